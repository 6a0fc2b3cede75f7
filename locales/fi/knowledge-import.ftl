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

## Tuontisivu ja -tehtävä
imports-title = Indikaattoritietojen tuonnit
imports-intro = Tuo omia indikaattoriarvoja CSV-tiedostosta tai Excel-työkirjasta (XLSX, ensimmäinen taulukko). Tuonti tehdään kokonaan tai ei lainkaan: jos yksikin rivi on virheellinen, mitään ei muuteta, ja jokainen virheellinen rivi luetellaan rivinumeroineen.
imports-file-hint = Sarakkeet indikaattori, alue, vuosi, sukupuoli ja arvo (lukumäärä ja nimittäjä vapaaehtoisia); sarakenimet suomeksi, ruotsiksi tai englanniksi; CSV:ssä erottimena puolipiste tai pilkku ja merkistönä UTF-8; XLSX:ssä luvut lukuina tai tekstinä desimaalipilkulla. Enintään { $limit }.
imports-submit = Tuo
imports-history = Aiemmat tuonnit
imports-none = Mitään ei ole vielä tuotu.
imports-synthetic = keksittyä aineistoa
imports-col-id = Tuonti
imports-col-source = Tiedosto tai lähde
imports-col-status = Tila
imports-col-read = Luettuja rivejä
imports-col-inserted = Uusia
imports-col-updated = Muuttuneita
imports-col-unchanged = Ennallaan
imports-col-rejected = Hylättyjä
imports-status-running = Käynnissä
imports-status-done = Valmis
imports-status-failed = Hylätty
job-kind-knowledge_import = Indikaattoritietojen tuonti
job-result-import_id = Tuonti
job-result-status = Tulos
job-result-status-running = Käynnissä
job-result-status-done = Valmis
job-result-status-failed = Hylätty
job-result-rows_read = Luettuja rivejä
job-result-inserted = Uusia arvoja
job-result-updated = Muuttuneita arvoja
job-result-unchanged = Ennallaan olevia arvoja
job-result-rejected = Hylättyjä rivejä
job-result-indicators_upserted = Luotuja tai päivitettyjä luettelon indikaattoreita

## XLSX import
import-error-not-xlsx = Tiedosto ei ole Excel-työkirja (XLSX), tai se on vioittunut.
import-error-xlsx-unpacks-too-large = Työkirjan sisältö on pakkaamattomana yli { $limit }, joten sitä ei luettu.

## An import's own page
import-page-title = Tuonti { $id }
import-back = Kaikki tuonnit
import-kind = Tuonnin tyyppi
import-kind-sotkanet_api = Sotkanet (haettu rajapinnasta)
import-kind-sotkanet_dir = Sotkanet (tallennettu kansio)
import-kind-csv = CSV-tiedosto
import-kind-xlsx = XLSX-työkirja
import-kind-jsonstat = JSON-stat (Tilastokeskus)
import-kind-demo = Esittelyaineisto
import-kind-bench = Suorituskykytestin aineisto
import-vintage = Aineisto haettu lähteestä
import-vintage-unknown = Ei tiedossa
import-synthetic = Keksittyä aineistoa
import-synthetic-note = Tämän tuonnin arvot ovat keksittyjä (esittely- tai testiaineistoa), eivät tilastoja.
import-yes = Kyllä
import-no = Ei
import-who = Tuoja
import-who-system = Komentorivi tai järjestelmä
import-started = Aloitettu
import-finished = Päättynyt
import-job = Taustatyö
import-job-progress = Seuraa etenemistä
import-job-link = Taustatyö { $id }
import-summary = Yhteenveto
import-errors = Virheet
import-errors-none = Tuonti ei kirjannut virheitä.
import-error-where = Kohta
import-error-reason = Syy
import-where-file = Koko tiedosto

## Area choices: the home region first
areas-other = Muut alueet
areas-other-municipalities = Muut kunnat
