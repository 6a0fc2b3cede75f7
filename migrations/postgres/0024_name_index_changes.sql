-- A change counter for each list that the server keeps a name index of in memory
-- (issue 5 item 10, eighth round; see db::names): the searches of organisations and
-- people read the counter (one row by its key) instead of walking the name index and
-- counting through the trigram index, and read the names again when it has moved.
-- Statement triggers move it in the changing transaction, so the counter and the rows
-- become visible together: a search never keeps an index older than the counter it saw.
CREATE TABLE name_index_changes (
    name TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);

INSERT INTO name_index_changes (name, n) VALUES ('organisations', 0), ('people', 0);

CREATE FUNCTION name_index_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_names_changed
    AFTER INSERT OR UPDATE OF name_key, search_key OR DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION name_index_changed();
CREATE TRIGGER people_names_changed
    AFTER INSERT OR UPDATE OF name_key, search_key, erased OR DELETE OR TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION name_index_changed();
