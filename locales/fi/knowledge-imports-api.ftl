## Tietohuone: tuonnin ohitetut rivit (sivu ja rajapinta)

imports-col-skipped = Ohitettuja
job-result-skipped = Ohitettuja rivejä (alueet, joita Tuuli ei pidä, tai tyhjät solut)
