error-end-before-start = The end cannot be before the start.
error-year-range = The year must be between 2000 and 2100.
error-percent-range = The percentage must be between 0 and 100.
error-position-range = The position must be between 0 and 1000.
error-negative = The value must be zero or more.
plan-error-amount-too-large = The amount is implausibly large; check it.
