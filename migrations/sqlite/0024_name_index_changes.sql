-- A change counter for each list that a server may keep a name index of in memory (see
-- the PostgreSQL migration of the same number and db::names). Only the PostgreSQL
-- server keeps such an index (SQLite's searches go through FTS5 in the same process);
-- the counter moves here too, in the changing transaction, so that it means the same on
-- both databases.
CREATE TABLE name_index_changes (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);

INSERT INTO name_index_changes (name, n) VALUES ('organisations', 0), ('people', 0);

CREATE TRIGGER organisations_names_inserted AFTER INSERT ON organisations BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'organisations';
END;
CREATE TRIGGER organisations_names_updated AFTER UPDATE OF name_key, search_key ON organisations BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'organisations';
END;
CREATE TRIGGER organisations_names_deleted AFTER DELETE ON organisations BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'organisations';
END;
CREATE TRIGGER people_names_inserted AFTER INSERT ON people BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'people';
END;
CREATE TRIGGER people_names_updated AFTER UPDATE OF name_key, search_key, erased ON people BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'people';
END;
CREATE TRIGGER people_names_deleted AFTER DELETE ON people BEGIN
    UPDATE name_index_changes SET n = n + 1 WHERE name = 'people';
END;
