-- catalog: an index node's English title beside its Vietnamese one (issue 9: "name vi/en"),
-- optional; imports, exports, copies and node edits carry it (cat_index.c).
ALTER TABLE catalog.index_nodes ADD COLUMN title_en text;
