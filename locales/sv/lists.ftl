# Choosers that scale and long lists (issue 5 item 10)
chooser-find = { $field }: sök med namn
chooser-hint = Skriv en del av namnet och välj Sök: träffarna visas i listan nedan.
chooser-find-button = Sök
chooser-more = Bara de { $count } första träffarna visas: skriv mer av namnet för att begränsa sökningen.
chooser-none-found = Sökningen ”{ $text }” gav inga träffar.
chooser-found = { $count ->
    [one] Listan har { $count } alternativ.
   *[other] Listan har { $count } alternativ.
}
list-count-capped = Över { $count } poster
paging-status-open = Sida { $page }
