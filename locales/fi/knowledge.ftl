## Tieto: indikaattoritietojen tuonti. Kunkin syyn edessä on sijaintiviesti.

import-at-line = Rivi { $line }
import-at-path = Kohdassa { $path }
import-error-read = Tiedostoa ei voitu lukea.
import-error-encoding = Teksti ei ole UTF-8-merkistössä. Tallenna tiedosto muodossa ”CSV UTF-8” ja yritä uudelleen.
import-error-empty = Tiedosto on tyhjä.
import-error-header = Otsikkorivi ei ole odotetunlainen. Odotettiin: { $expected }. Löytyi: { $found }.
import-error-header-missing = Otsikkorivillä ei ole saraketta ”{ $column }”.
import-error-header-duplicate = Sarake ”{ $column }” on otsikkorivillä kahdesti.
import-error-field-count = Rivillä on { $found } kenttää; odotettiin { $expected }.
import-error-year = ”{ $value }” ei ole vuosi väliltä { $min }–{ $max }.
import-error-sex = ”{ $value }” ei ole sukupuoli. Käytä arvoja yhteensä, miehet tai naiset (tai total, male, female).
import-error-number = ”{ $value }” sarakkeessa ”{ $column }” ei ole luku.
import-error-negative = ”{ $value }” sarakkeessa ”{ $column }” on negatiivinen; lukumäärä ei voi olla.
import-error-required = Sarake ”{ $column }” on tyhjä.
import-error-id = ”{ $value }” kohdassa ”{ $column }” ei ole positiivinen kokonaisluku.
import-error-count-over-denominator = Lukumäärä { $count } on suurempi kuin sen nimittäjä { $denominator }.
import-error-json-truncated = JSON-asiakirja päättyy kesken (rivi { $line }, sarake { $column }): tiedosto voi olla katkennut.
import-error-json-syntax = JSON-asiakirja on virheellinen rivillä { $line }, sarakkeessa { $column }.
import-error-json-type = Tässä odotettiin { $expected ->
    [object] objektia
    [array] luetteloa
    [string] tekstiä
    [number] lukua
   *[other] { $expected }
}.
import-error-json-missing = Pakollinen arvo puuttuu tästä.
import-error-jsonstat-class = Tämä on JSON-stat-muotoinen ”{ $class }”, ei tietoaineisto (dataset).
import-error-jsonstat-size = Koot eivät täsmää: odotettiin { $expected }, löytyi { $found }.
import-error-jsonstat-position = Sijainti on ulottuvuuden koon ulkopuolella tai annettu kahdesti.
import-error-jsonstat-too-large = Tietoaineisto on liian suuri: enintään { $max } solua.
import-error-more = …ja { $count } muuta virhettä, joita ei luetella.
