## Knowledge: storing imported indicator values

import-error-unknown-indicator = The indicator “{ $indicator }” is not in the catalogue, and the import has no metadata for it.
import-error-unknown-area = The area “{ $area }” is not known.
import-error-area-not-valid = The area { $area } did not exist in { $year } (successor: { $successor }).
import-error-percent-range = The value { $value } is a percentage, so it must be between 0 and 100.
import-error-duplicate = Another row for the same indicator, area, year and sex has a different value (the first one: { $first }).
import-error-aborted = The import stopped: { $reason }
import-error-no-data = The folder { $folder } has no data files (data-<id>.csv or data-<id>.json).
import-error-jsonstat-dimensions = The dataset has no area or year dimension.
import-error-jsonstat-extra-dimension = The dimension “{ $dimension }” has several categories; choose one in the query.

## The imports page and job
imports-title = Indicator data imports
imports-intro = Import your own indicator values from a CSV file. The import is all or nothing: if any row is wrong, nothing is changed and every wrong row is listed with its line.
imports-file-hint = Columns indicator, area, year, sex and value (count and denominator optional); Finnish, Swedish or English column names; semicolons or commas; UTF-8. At most { $limit }.
imports-submit = Import
imports-history = Earlier imports
imports-none = Nothing has been imported yet.
imports-synthetic = synthetic data
imports-col-id = Import
imports-col-source = File or source
imports-col-status = Status
imports-col-read = Rows read
imports-col-inserted = New
imports-col-updated = Revised
imports-col-unchanged = Unchanged
imports-col-rejected = Rejected
imports-status-running = Running
imports-status-done = Done
imports-status-failed = Refused
job-kind-knowledge_import = Indicator data import
job-result-import_id = Import
job-result-status = Outcome
job-result-rows_read = Rows read
job-result-inserted = New values
job-result-updated = Revised values
job-result-unchanged = Unchanged values
job-result-rejected = Rejected rows
job-result-indicators_upserted = Catalogue entries created or refreshed
