## Knowledge: rows an import left out (page and API)

imports-col-skipped = Skipped
job-result-skipped = Skipped rows (areas Tuuli does not keep, or empty cells)
