-- indicator_values is written only by the import engine and the demo, which place every
-- row on an existing area and catalogue indicator and their own import, in the import's
-- transaction. Checking three foreign keys per row (a trigger each) took about two thirds
-- of a bulk insert's time on PostgreSQL, and the index on import_id (nothing looks values
-- up by it; the engine reaches its own values through the key) a third B-tree written at
-- random places (issue 8, docs/benchmarks.md). The referring side goes; the referred-to
-- side stays protected: deleting an area, indicator or import that values refer to is
-- refused with a foreign-key violation, as before.
DROP INDEX indicator_values_import_idx;
ALTER TABLE indicator_values
    DROP CONSTRAINT indicator_values_area_id_fkey,
    DROP CONSTRAINT indicator_values_indicator_id_fkey,
    DROP CONSTRAINT indicator_values_import_id_fkey;

CREATE FUNCTION indicator_values_referred() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found BOOLEAN;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM indicator_values WHERE %I = $1)', TG_ARGV[0])
        INTO found USING OLD.id;
    IF found THEN
        RAISE EXCEPTION 'indicator values refer to this row of %', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER areas_indicator_values_referred BEFORE DELETE ON areas
    FOR EACH ROW EXECUTE FUNCTION indicator_values_referred('area_id');
CREATE TRIGGER indicators_indicator_values_referred BEFORE DELETE ON indicators
    FOR EACH ROW EXECUTE FUNCTION indicator_values_referred('indicator_id');
CREATE TRIGGER imports_indicator_values_referred BEFORE DELETE ON imports
    FOR EACH ROW EXECUTE FUNCTION indicator_values_referred('import_id');
