error-end-before-start = Slutet kan inte vara före början.
error-year-range = Året måste vara mellan 2000 och 2100.
error-percent-range = Procenten måste vara mellan 0 och 100.
error-position-range = Ordningsnumret måste vara mellan 0 och 1000.
error-negative = Värdet måste vara noll eller större.
plan-error-amount-too-large = Beloppet är orimligt stort; kontrollera det.
