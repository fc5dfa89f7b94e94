-- The leaves a period scores for each agency group: the period's index set of the group
-- joined to that set's leaf nodes. Every service asked this same question with its own copy
-- of the join; they read this view instead, so the rule "which leaves count for a group in
-- a period" is written once.
-- security_invoker: the view reads the tables as its caller, so row-level security applies
-- (owned by the superuser, it would otherwise see every province).
CREATE VIEW catalog.period_leaves WITH (security_invoker = true) AS
    SELECT ps.province_id, ps.period_id, ps.group_code, ps.index_set_id,
           n.id AS node_id, n.code, n.parent_code, n.content, n.title, n.max_points, n.step,
           n.guidance, n.evidence_required, n.sort, n.auto, n.required_min
      FROM catalog.period_index_sets ps
      JOIN catalog.index_nodes n ON n.index_set_id = ps.index_set_id
                                AND n.province_id = ps.province_id
     WHERE n.is_leaf;
GRANT SELECT ON catalog.period_leaves TO chiso_app;
