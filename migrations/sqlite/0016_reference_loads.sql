-- Which version of each embedded reference file was last loaded (its SHA-256), so a
-- start that finds the same checksum skips the work (the national region list is 500
-- areas and their memberships). Written only by core::reference and core::areas_national.
CREATE TABLE reference_loads (
    name TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
