## Kunskap: import av indikatordata. Före varje orsak står ett meddelande om platsen.

import-at-line = Rad { $line }
import-at-path = Vid { $path }
import-error-read = Filen kunde inte läsas.
import-error-encoding = Texten är inte i UTF-8-kodning. Spara filen som ”CSV UTF-8” och försök igen.
import-error-empty = Filen är tom.
import-error-header = Rubrikraden är inte den väntade. Väntad: { $expected }. Hittad: { $found }.
import-error-header-missing = Rubrikraden saknar kolumnen ”{ $column }”.
import-error-header-duplicate = Kolumnen ”{ $column }” förekommer två gånger på rubrikraden.
import-error-field-count = Raden har { $found } fält; { $expected } väntades.
import-error-year = ”{ $value }” är inte ett år mellan { $min } och { $max }.
import-error-sex = ”{ $value }” är inte ett kön. Använd totalt, män eller kvinnor (eller total, male, female).
import-error-number = ”{ $value }” i kolumnen ”{ $column }” är inte ett tal.
import-error-negative = ”{ $value }” i kolumnen ”{ $column }” är negativt; ett antal kan inte vara det.
import-error-required = Kolumnen ”{ $column }” är tom.
import-error-id = ”{ $value }” i ”{ $column }” är inte ett positivt heltal.
import-error-count-over-denominator = Antalet { $count } är större än nämnaren { $denominator }.
import-error-json-truncated = JSON-dokumentet tar slut för tidigt (rad { $line }, kolumn { $column }): filen kan vara avbruten.
import-error-json-syntax = JSON-dokumentet är felaktigt på rad { $line }, kolumn { $column }.
import-error-json-type = Här väntades { $expected ->
    [object] ett objekt
    [array] en lista
    [string] en text
    [number] ett tal
   *[other] { $expected }
}.
import-error-json-missing = Ett obligatoriskt värde saknas här.
import-error-jsonstat-class = Detta är en JSON-stat-”{ $class }”, inte en datamängd (dataset).
import-error-jsonstat-size = Storlekarna stämmer inte: { $expected } väntades, { $found } hittades.
import-error-jsonstat-position = Positionen ligger utanför dimensionens storlek eller anges två gånger.
import-error-jsonstat-too-large = Datamängden är för stor: högst { $max } celler.
import-error-more = …och { $count } fel till som inte listas.
