-- indicator_values is written only by the import engine and the demo, which place every
-- row on an existing area and catalogue indicator and their own import, in the import's
-- transaction. The foreign keys checked per row (two thirds of a bulk insert's time on
-- PostgreSQL, an eighth here) and the index on import_id (nothing looks values up by it;
-- a third B-tree written at random places, a quarter of the insert's time and a sixth of
-- the file) go (issue 8, docs/benchmarks.md); the table is rebuilt without them. The
-- referred-to side stays protected: deleting an area, indicator or import that values
-- refer to is refused by a trigger.
CREATE TABLE indicator_values_new (
    area_id INTEGER NOT NULL,
    indicator_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    sex INTEGER NOT NULL,
    value REAL,
    count REAL,
    denominator REAL,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (area_id, indicator_id, year, sex),
    CONSTRAINT indicator_values_sex_check CHECK (sex IN (0, 1, 2)),
    CONSTRAINT indicator_values_year_check CHECK (year BETWEEN 1900 AND 2200)
) WITHOUT ROWID;
INSERT INTO indicator_values_new (area_id, indicator_id, year, sex, value, count, denominator, import_id)
    SELECT area_id, indicator_id, year, sex, value, count, denominator, import_id FROM indicator_values;
DROP TABLE indicator_values;
ALTER TABLE indicator_values_new RENAME TO indicator_values;
CREATE INDEX indicator_values_indicator_idx ON indicator_values (indicator_id, year);

CREATE TRIGGER areas_indicator_values_referred BEFORE DELETE ON areas
    WHEN EXISTS (SELECT 1 FROM indicator_values WHERE area_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicator values refer to this area');
END;
CREATE TRIGGER indicators_indicator_values_referred BEFORE DELETE ON indicators
    WHEN EXISTS (SELECT 1 FROM indicator_values WHERE indicator_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicator values refer to this indicator');
END;
CREATE TRIGGER imports_indicator_values_referred BEFORE DELETE ON imports
    WHEN EXISTS (SELECT 1 FROM indicator_values WHERE import_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicator values refer to this import');
END;
