-- ranking: reads of the reports (SPEC §9, issue 8) that no tenant can make on its own.
--
-- Both read published snapshots only (ranking.snapshots, 061), which are public anyway; they
-- are SECURITY DEFINER because row-level security keeps every table to one province.

-- The national view: per province and year, the latest published version of the period of
-- that year published last (a province with two periods in a year shows the one it
-- published last). Documents as text (they are UTF-8 JSON).
CREATE FUNCTION ranking.national_snapshots()
RETURNS TABLE (province_code text, province_name text, year int, period_id bigint,
               period_code text, version int, sha256 text, document text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT DISTINCT ON (pr.id, pe.year)
           pr.code, pr.name, pe.year, pe.id, pe.code, s.version, s.sha256,
           convert_from(s.document, 'UTF8')
      FROM catalog.provinces pr
      JOIN catalog.periods pe ON pe.province_id = pr.id
      JOIN ranking.snapshots s ON s.province_id = pr.id AND s.period_id = pe.id
     ORDER BY pr.id, pe.year, s.published_at DESC, s.version DESC
$$;

-- The names of a province's agency groups, for the public exports of its published
-- results (only once it has published something).
CREATE FUNCTION ranking.public_group_names(p_code text)
RETURNS TABLE (code text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT g.code, g.name
      FROM catalog.provinces pr JOIN catalog.agency_groups g ON g.province_id = pr.id
     WHERE pr.code = p_code
       AND EXISTS (SELECT 1 FROM ranking.snapshots s WHERE s.province_id = pr.id)
$$;

REVOKE ALL ON FUNCTION ranking.national_snapshots() FROM PUBLIC;
REVOKE ALL ON FUNCTION ranking.public_group_names(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ranking.national_snapshots() TO chiso_app;
GRANT EXECUTE ON FUNCTION ranking.public_group_names(text) TO chiso_app;
