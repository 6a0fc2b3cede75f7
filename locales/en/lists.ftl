# Choosers that scale and long lists (issue 5 item 10)
chooser-find = { $field }: find by name
chooser-hint = Type part of a name and choose Find: the matches appear in the list below.
chooser-find-button = Find
chooser-more = Only the first { $count } matches are shown: type more of the name to narrow the search.
chooser-none-found = Nothing matched “{ $text }”.
chooser-found = { $count ->
    [one] The list has { $count } choice.
   *[other] The list has { $count } choices.
}
list-count-capped = More than { $count } items
paging-status-open = Page { $page }
