## Knowledge: importing indicator data. A location message comes before each reason.

import-at-line = Line { $line }
import-at-path = At { $path }
import-error-read = The file could not be read.
import-error-encoding = The text is not in UTF-8 encoding. Save the file as “CSV UTF-8” and try again.
import-error-empty = The file is empty.
import-error-header = The header row is not what was expected. Expected: { $expected }. Found: { $found }.
import-error-header-missing = The header row has no column “{ $column }”.
import-error-header-duplicate = The column “{ $column }” appears twice in the header row.
import-error-field-count = The row has { $found } fields; { $expected } were expected.
import-error-year = “{ $value }” is not a year between { $min } and { $max }.
import-error-sex = “{ $value }” is not a sex. Use total, male or female (or yhteensä, miehet, naiset).
import-error-number = “{ $value }” in column “{ $column }” is not a number.
import-error-negative = “{ $value }” in column “{ $column }” is negative; a count cannot be.
import-error-required = The column “{ $column }” is empty.
import-error-id = “{ $value }” in “{ $column }” is not a positive whole number.
import-error-count-over-denominator = The count { $count } is larger than its denominator { $denominator }.
import-error-json-truncated = The JSON document ends too early (line { $line }, column { $column }): the file may be truncated.
import-error-json-syntax = The JSON document is malformed at line { $line }, column { $column }.
import-error-json-type = Expected { $expected ->
    [object] an object
    [array] a list
    [string] a text
    [number] a number
   *[other] { $expected }
} here.
import-error-json-missing = A required value is missing here.
import-error-jsonstat-class = This is a JSON-stat “{ $class }”, not a dataset.
import-error-jsonstat-size = The sizes do not match: { $expected } expected, { $found } found.
import-error-jsonstat-position = The position is outside the dimension's size or given twice.
import-error-jsonstat-too-large = The dataset is too large: at most { $max } cells.
import-error-more = …and { $count } more errors not listed.
