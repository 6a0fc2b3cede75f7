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
imports-intro = Importera egna indikatorvärden från en CSV-fil eller en Excel-arbetsbok (XLSX, det första bladet). Importen görs helt eller inte alls: om någon rad är felaktig ändras ingenting, och varje felaktig rad listas med sitt radnummer.
imports-file-hint = Kolumnerna indikator, område, år, kön och värde (antal och nämnare frivilliga); kolumnnamn på finska, svenska eller engelska; i CSV semikolon eller kommatecken som avgränsare och teckenkodningen UTF-8; i XLSX tal som tal eller som text med decimalkomma. Högst { $limit }.
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
job-result-status-running = Pågår
job-result-status-done = Klar
job-result-status-failed = Avvisad
job-result-rows_read = Lästa rader
job-result-inserted = Nya värden
job-result-updated = Ändrade värden
job-result-unchanged = Oförändrade värden
job-result-rejected = Avvisade rader
job-result-indicators_upserted = Skapade eller uppdaterade indikatorer i katalogen

## XLSX import
import-error-not-xlsx = Filen är inte en Excel-arbetsbok (XLSX), eller så är den skadad.
import-error-xlsx-unpacks-too-large = Arbetsbokens innehåll är större än { $limit } uppackat och lästes därför inte.

## An import's own page
import-page-title = Import { $id }
import-back = Alla importer
import-kind = Typ av import
import-kind-sotkanet_api = Sotkanet (hämtat från gränssnittet)
import-kind-sotkanet_dir = Sotkanet (sparad mapp)
import-kind-csv = CSV-fil
import-kind-xlsx = XLSX-arbetsbok
import-kind-jsonstat = JSON-stat (Statistikcentralen)
import-kind-demo = Demonstrationsdata
import-kind-bench = Data för prestandatest
import-vintage = Data hämtade från källan
import-vintage-unknown = Okänt
import-synthetic = Påhittade data
import-synthetic-note = Värdena i den här importen är påhittade (demonstrations- eller testdata), inte statistik.
import-yes = Ja
import-no = Nej
import-who = Importerad av
import-who-system = Kommandoraden eller systemet
import-started = Påbörjad
import-finished = Avslutad
import-job = Bakgrundsjobb
import-job-progress = Följ förloppet
import-job-link = Bakgrundsjobb { $id }
import-summary = Sammanfattning
import-errors = Fel
import-errors-none = Importen registrerade inga fel.
import-error-where = Ställe
import-error-reason = Orsak
import-where-file = Hela filen

## Area choices: the home region first
areas-other = Andra områden
areas-other-municipalities = Andra kommuner
