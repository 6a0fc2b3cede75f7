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
imports-intro = Import your own indicator values from a CSV file or an Excel workbook (XLSX, its first sheet). The import is all or nothing: if any row is wrong, nothing is changed and every wrong row is listed with its line.
imports-file-hint = Columns indicator, area, year, sex and value (count and denominator optional); Finnish, Swedish or English column names; in a CSV file semicolons or commas and UTF-8; in an XLSX workbook numbers as numbers or as text with a decimal comma. At most { $limit }.
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
job-result-status-running = Running
job-result-status-done = Done
job-result-status-failed = Refused
job-result-rows_read = Rows read
job-result-inserted = New values
job-result-updated = Revised values
job-result-unchanged = Unchanged values
job-result-rejected = Rejected rows
job-result-indicators_upserted = Catalogue entries created or refreshed

## XLSX import
import-error-not-xlsx = The file is not an Excel workbook (XLSX), or it is damaged.
import-error-xlsx-unpacks-too-large = The workbook unpacks to more than { $limit }, so it was not read.

## An import's own page
import-page-title = Import { $id }
import-back = All imports
import-kind = Kind of import
import-kind-sotkanet_api = Sotkanet (fetched from the API)
import-kind-sotkanet_dir = Sotkanet (saved folder)
import-kind-csv = CSV file
import-kind-xlsx = XLSX workbook
import-kind-jsonstat = JSON-stat (Statistics Finland)
import-kind-demo = Demo data
import-kind-bench = Benchmark data
import-vintage = Data fetched from the source
import-vintage-unknown = Not known
import-synthetic = Synthetic data
import-synthetic-note = The values of this import are made up (demo or test data), not statistics.
import-yes = Yes
import-no = No
import-who = Imported by
import-who-system = The command line or the system
import-started = Started
import-finished = Finished
import-job = Background job
import-job-progress = Follow its progress
import-job-link = Background job { $id }
import-summary = Summary
import-errors = Errors
import-errors-none = The import recorded no errors.
import-error-where = Where
import-error-reason = Reason
import-where-file = The whole file

## Area choices: the home region first
areas-other = Other areas
areas-other-municipalities = Other municipalities
