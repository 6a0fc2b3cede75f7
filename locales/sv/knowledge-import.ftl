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

## Importsidan och importuppgiften
imports-title = Import av indikatordata
imports-intro = Importera egna indikatorvärden från en CSV-fil. Importen görs helt eller inte alls: om någon rad är felaktig ändras ingenting, och varje felaktig rad listas med sitt radnummer.
imports-file-hint = Kolumnerna indikator, område, år, kön och värde (antal och nämnare frivilliga); kolumnnamn på finska, svenska eller engelska; semikolon eller kommatecken som avgränsare; UTF-8. Högst { $limit }.
imports-submit = Importera
imports-history = Tidigare importer
imports-none = Ingenting har importerats ännu.
imports-synthetic = påhittade data
imports-col-id = Import
imports-col-source = Fil eller källa
imports-col-status = Status
imports-col-read = Lästa rader
imports-col-inserted = Nya
imports-col-updated = Ändrade
imports-col-unchanged = Oförändrade
imports-col-rejected = Avvisade
imports-status-running = Pågår
imports-status-done = Klar
imports-status-failed = Avvisad
job-kind-knowledge_import = Import av indikatordata
job-result-import_id = Import
job-result-status = Resultat
job-result-rows_read = Lästa rader
job-result-inserted = Nya värden
job-result-updated = Ändrade värden
job-result-unchanged = Oförändrade värden
job-result-rejected = Avvisade rader
job-result-indicators_upserted = Skapade eller uppdaterade indikatorer i katalogen
