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
