# Choosers that scale and long lists (issue 5 item 10)
chooser-find = { $field }: hae nimellä
chooser-hint = Kirjoita osa nimestä ja valitse Hae: löytyneet näkyvät alla olevassa luettelossa.
chooser-find-button = Hae
chooser-more = Vain { $count } ensimmäistä osumaa näytetään: tarkenna hakua kirjoittamalla nimestä enemmän.
chooser-none-found = Haulla ”{ $text }” ei löytynyt mitään.
chooser-found = { $count ->
    [one] Luettelossa on { $count } vaihtoehto.
   *[other] Luettelossa on { $count } vaihtoehtoa.
}
list-count-capped = Yli { $count } kohdetta
paging-status-open = Sivu { $page }
