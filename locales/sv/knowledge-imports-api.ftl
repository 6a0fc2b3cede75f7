## Kunskapsrummet: överhoppade rader i en import (sidan och API:t)

imports-col-skipped = Överhoppade
job-result-skipped = Överhoppade rader (områden som Tuuli inte har, eller tomma celler)
