-- Searches with many matches (issue 5 item 10, third round): the name index with the
-- search key in it, so that a list page of a search walks the index in name order and
-- tests the search on each entry without visiting rows (an index-only scan; see
-- db::filter::Filter::walk_page_ids) instead of collecting every match from the trigram
-- index and sorting them by name.
CREATE INDEX organisations_search_idx ON organisations (name_key, id) INCLUDE (search_key);
CREATE INDEX people_search_idx ON people (erased, name_key, id) INCLUDE (search_key);
