plan-update-title = Uppdatera åtgärder
plan-update-intro = Ändra status, färdighetsgrad, använda resurser eller beskrivning för så många åtgärder du vill och spara alla på en gång. Varje ändrad rad blir en ny lägesrapport med dagens datum; rader som du inte ändrar lämnas som de är.
plan-update-organisation = Organisation
plan-update-choose-organisation = Välj en organisation
plan-update-show = Visa åtgärder
plan-update-nothing-changed = Ingenting ändrades, så ingenting sparades.
plan-update-saved = { $count ->
    [one] En åtgärd uppdaterades.
   *[other] { $count } åtgärder uppdaterades.
}
plan-update-not-saved = Ingenting sparades
plan-update-fix-rows = Några rader innehåller fel. Rätta de markerade fälten och spara igen: allt du skrev finns kvar.
plan-update-conflict = Någon annan uppdaterade de markerade åtgärderna efter att du öppnade sidan. Deras uppdatering visas vid varje markerad rad; spara igen för att registrera din efter den.
plan-update-row-conflict = Uppdaterad av någon annan under tiden.
plan-update-saved-values = Sparat nu: { $status }, { $percent } %.
plan-update-error-archived = Åtgärdens plan är arkiverad, så dess åtgärder kan inte längre uppdateras.
plan-update-error-number = Ange ett tal, till exempel 1250,50.
plan-update-stale-count = { $count ->
    [one] En åtgärd har inte uppdaterats på över { $days } dagar. Den visas först.
   *[other] { $count } åtgärder har inte uppdaterats på över { $days } dagar. De visas först.
}
plan-update-stale = Inte uppdaterad på över { $days } dagar
plan-update-caption = Organisationens åtgärder och deras senaste läge
plan-update-action = Åtgärd
plan-update-status = Status
plan-update-percent = Färdighetsgrad (%)
plan-update-euros_used = Använda euro
plan-update-days_used = Använda dagsverken
plan-update-euros = Använda euro
plan-update-days = Använda dagsverken
plan-update-narrative = Vad har gjorts
plan-update-last-report = Senast uppdaterad
plan-update-no-reports = Inga uppdateringar ännu
plan-update-hint = Beloppen är det som hittills använts sammanlagt. Använd decimalkomma eller decimalpunkt.
plan-update-save = Spara alla ändringar
plan-update-no-actions = Organisationen ansvarar inte för någon åtgärd i en gällande plan.
plan-update-status-not_started = Inte påbörjad
plan-update-status-on_track = Framskrider enligt plan
plan-update-status-delayed = Försenad
plan-update-status-done = Klar
plan-update-status-cancelled = Inställd
plan-update-decision-title = Gör beslutet till en åtgärd
plan-update-decision-intro = Åtgärden läggs till under det mål i planen som du väljer, och den minns detta beslut. Kontrollera de ifyllda uppgifterna.
plan-update-decision-create = Skapa åtgärden
plan-update-decision-make = Gör detta till en åtgärd
plan-update-decision-action-link = Åtgärden i planen
plan-update-decision-number = beslut { $number }
plan-update-decision-has-action = Detta beslut har redan gjorts till en åtgärd.
plan-update-decision-in-use = Beslutet raderades inte eftersom en åtgärd i planen har gjorts av det.
plan-update-choose-goal = Välj ett mål
plan-update-no-goals = Ingen gällande plan har mål ännu, så beslutet kan inte göras till en åtgärd.
plan-update-field-goal_id = Plan och mål
plan-update-field-title = Åtgärdens namn
plan-update-field-lead_organisation_id = Ansvarig organisation
plan-update-field-start_date = Startdatum
plan-update-field-end_date = Slutdatum
plan-update-field-description = Beskrivning
plan-update-field-organisations = Övriga ansvariga organisationer
plan-update-field-municipalities = Kommuner
plan-update-field-themes = Teman
plan-update-field-planned_euros = Planerade euro
plan-update-field-planned_days = Planerade dagsverken
