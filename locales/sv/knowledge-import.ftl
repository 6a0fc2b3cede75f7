## Kunskapsrummet: lagring av importerade indikatorvärden

import-error-unknown-indicator = Indikatorn ”{ $indicator }” finns inte i katalogen, och importen har inga metadata för den.
import-error-unknown-area = Området ”{ $area }” är okänt.
import-error-area-not-valid = Området { $area } fanns inte år { $year } (efterträdare: { $successor }).
import-error-percent-range = Värdet { $value } är en procentsats och måste därför ligga mellan 0 och 100.
import-error-duplicate = En annan rad för samma indikator, område, år och kön har ett annat värde (den första: { $first }).
import-error-aborted = Importen avbröts: { $reason }
import-error-no-data = Mappen { $folder } innehåller inga datafiler (data-<id>.csv eller data-<id>.json).
import-error-jsonstat-dimensions = Datamängden saknar en områdes- eller årsdimension.
import-error-jsonstat-extra-dimension = Dimensionen ”{ $dimension }” har flera kategorier; välj en av dem i frågan.
