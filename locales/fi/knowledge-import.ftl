## Tietohuone: tuotujen indikaattoriarvojen tallennus

import-error-unknown-indicator = Indikaattoria ”{ $indicator }” ei ole luettelossa, eikä tuonnissa ole sen kuvailutietoja.
import-error-unknown-area = Aluetta ”{ $area }” ei tunneta.
import-error-area-not-valid = Aluetta { $area } ei ollut vuonna { $year } (seuraaja: { $successor }).
import-error-percent-range = Arvo { $value } on prosenttiluku, joten sen on oltava 0:n ja 100:n välillä.
import-error-duplicate = Toisella rivillä on samalle indikaattorille, alueelle, vuodelle ja sukupuolelle eri arvo (ensimmäinen: { $first }).
import-error-aborted = Tuonti keskeytyi: { $reason }
import-error-no-data = Kansiossa { $folder } ei ole datatiedostoja (data-<id>.csv tai data-<id>.json).
import-error-jsonstat-dimensions = Aineistossa ei ole alue- tai vuosiulottuvuutta.
import-error-jsonstat-extra-dimension = Ulottuvuudessa ”{ $dimension }” on useita luokkia; valitse niistä yksi kyselyssä.
