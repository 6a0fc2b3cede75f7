plan-update-title = Toimenpiteiden päivitys
plan-update-intro = Muuta haluamiesi toimenpiteiden tilaa, valmiusastetta, käytettyjä resursseja tai kuvausta ja tallenna kaikki kerralla. Jokaisesta muutetusta rivistä tulee uusi tämänpäiväinen edistymismerkintä; rivit, joita et muuta, jäävät ennalleen.
plan-update-organisation = Organisaatio
plan-update-choose-organisation = Valitse organisaatio
plan-update-show = Näytä toimenpiteet
plan-update-nothing-changed = Mitään ei muutettu, joten mitään ei tallennettu.
plan-update-saved = { $count ->
    [one] Yksi toimenpide päivitettiin.
   *[other] { $count } toimenpidettä päivitettiin.
}
plan-update-not-saved = Mitään ei tallennettu
plan-update-fix-rows = Joillakin riveillä on virheitä. Korjaa merkityt kentät ja tallenna uudelleen: kaikki kirjoittamasi on tallella.
plan-update-conflict = Joku muu päivitti merkityt toimenpiteet sen jälkeen, kun avasit tämän sivun. Hänen päivityksensä näkyy kunkin merkityn rivin kohdalla; tallenna uudelleen, niin sinun päivityksesi kirjataan sen jälkeen.
plan-update-row-conflict = Joku muu päivitti tämän sillä välin.
plan-update-saved-values = Nyt tallennettuna: { $status }, { $percent } %.
plan-update-error-archived = Toimenpiteen suunnitelma on arkistoitu, joten sen toimenpiteitä ei voi enää päivittää.
plan-update-error-number = Anna luku, esimerkiksi 1250,50.
plan-update-stale-count = { $count ->
    [one] Yhtä toimenpidettä ei ole päivitetty yli { $days } päivään. Se näkyy ensimmäisenä.
   *[other] { $count } toimenpidettä ei ole päivitetty yli { $days } päivään. Ne näkyvät ensimmäisinä.
}
plan-update-stale = Ei päivitetty yli { $days } päivään
plan-update-caption = Organisaation toimenpiteet ja niiden viimeisin edistyminen
plan-update-action = Toimenpide
plan-update-status = Tila
plan-update-percent = Valmiusaste (%)
plan-update-euros_used = Käytetyt eurot
plan-update-days_used = Käytetyt henkilötyöpäivät
plan-update-euros = Käytetyt eurot
plan-update-days = Käytetyt henkilötyöpäivät
plan-update-narrative = Mitä on tehty
plan-update-last-report = Viimeksi päivitetty
plan-update-no-reports = Ei vielä päivityksiä
plan-update-hint = Määrät ovat tähän mennessä käytetyt yhteensä. Desimaalierottimeksi käy pilkku tai piste.
plan-update-save = Tallenna kaikki muutokset
plan-update-no-actions = Organisaatio ei vastaa yhdestäkään voimassa olevan suunnitelman toimenpiteestä.
plan-update-status-not_started = Ei aloitettu
plan-update-status-on_track = Etenee suunnitellusti
plan-update-status-delayed = Viivästynyt
plan-update-status-done = Valmis
plan-update-status-cancelled = Peruttu
plan-update-decision-title = Päätöksestä toimenpide
plan-update-decision-intro = Toimenpide lisätään valitsemasi suunnitelman tavoitteen alle, ja siihen jää tieto tästä päätöksestä. Tarkista valmiiksi täytetyt tiedot.
plan-update-decision-create = Luo toimenpide
plan-update-decision-make = Tee tästä toimenpide
plan-update-decision-action-link = Toimenpide suunnitelmassa
plan-update-decision-number = päätös { $number }
plan-update-decision-has-action = Tästä päätöksestä on jo tehty toimenpide.
plan-update-decision-in-use = Päätöstä ei poistettu, koska siitä on tehty suunnitelman toimenpide.
plan-update-choose-goal = Valitse tavoite
plan-update-no-goals = Yhdelläkään voimassa olevalla suunnitelmalla ei ole vielä tavoitteita, joten päätöksestä ei voi tehdä toimenpidettä.
plan-update-field-goal_id = Suunnitelma ja tavoite
plan-update-field-title = Toimenpiteen nimi
plan-update-field-lead_organisation_id = Vastuuorganisaatio
plan-update-field-start_date = Alkamispäivä
plan-update-field-end_date = Päättymispäivä
plan-update-field-description = Kuvaus
plan-update-field-organisations = Muut vastuuorganisaatiot
plan-update-field-municipalities = Kunnat
plan-update-field-themes = Teemat
plan-update-field-planned_euros = Suunnitellut eurot
plan-update-field-planned_days = Suunnitellut henkilötyöpäivät
