error-end-before-start = Loppu ei voi olla ennen alkua.
error-year-range = Vuoden on oltava välillä 2000–2100.
error-percent-range = Prosentin on oltava välillä 0–100.
error-position-range = Järjestysnumeron on oltava välillä 0–1000.
error-negative = Arvon on oltava nolla tai suurempi.
plan-error-amount-too-large = Määrä on epäuskottavan suuri; tarkista se.
