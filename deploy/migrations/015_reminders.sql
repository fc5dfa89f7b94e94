-- catalog: users' e-mail addresses and reminders before a phase closes (SPEC §4, issue 8
-- item 5). A due reminder is one row of catalog.notifications, unique per (period, phase,
-- lead time, user): inserted once, shown in the web UI, and e-mailed once through the
-- configured SMTP relay (the outbox). Who still has work in a phase (catalog.reminder_work)
-- reads the submissions, appraisal and leadership schemas, so it and the function that
-- inserts the reminders are created after them, in 066_reminders_work.sql.

ALTER TABLE catalog.users ADD COLUMN email text
    CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email !~ '[^\x21-\x7e]'
                             AND email ~ '^[^@<>(),;:"\[\]\\]+@[A-Za-z0-9.-]+$'));

-- Vietnamese name of a phase (DESIGN.md §7), for the reminders' texts.
CREATE FUNCTION catalog.phase_name_vi(p_phase text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_phase
        WHEN 'self_assessment' THEN 'Tự đánh giá'
        WHEN 'appraisal_1' THEN 'Thẩm định lần 1'
        WHEN 'explanation' THEN 'Giải trình, bổ sung'
        WHEN 'appraisal_2' THEN 'Thẩm định lần 2'
        WHEN 'leadership' THEN 'Lãnh đạo tỉnh chấm điểm (nội dung 4)'
        WHEN 'survey' THEN 'Điều tra, khảo sát'
        WHEN 'publication' THEN 'Công bố kết quả'
        WHEN 'appeal' THEN 'Khiếu nại'
        ELSE p_phase END
$$;

-- The lead times (days before a phase closes) of a period's configuration,
-- {"reminders": {"lead_days": [7, 3, 1]}} (checked when set, cat_period.c); default 7, 3, 1.
CREATE FUNCTION catalog.reminder_lead_days(p_config jsonb) RETURNS int[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(p_config #> '{reminders,lead_days}') = 'array'
                THEN ARRAY(SELECT x::int
                             FROM jsonb_array_elements_text(p_config #> '{reminders,lead_days}') x)
                ELSE '{7,3,1}'::int[] END
$$;

-- One sentence per task, in Vietnamese.
CREATE FUNCTION catalog.reminder_task_vi(p_task text, p_items int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_task
        WHEN 'leaves_not_entered' THEN
            format('Cơ quan của anh/chị còn %s tiêu chí chưa nhập điểm tự đánh giá.', p_items)
        WHEN 'not_submitted' THEN
            'Cơ quan của anh/chị chưa nộp bản tự đánh giá' ||
            CASE WHEN p_items > 0 THEN format(' (còn %s tiêu chí chưa nhập điểm).', p_items)
                 ELSE '.' END
        WHEN 'leaves_unappraised' THEN
            format('Còn %s tiêu chí trong phạm vi thẩm định của anh/chị chưa chấm điểm.', p_items)
        WHEN 'explained_unappraised' THEN
            format('Còn %s tiêu chí cơ quan đã giải trình chưa được anh/chị chấm thẩm định lần 2.', p_items)
        WHEN 'leadership_unscored' THEN
            format('Còn %s điểm nội dung 4 của các cơ quan được phân công chưa được anh/chị chấm.', p_items)
        ELSE p_task END
$$;

-- The outbox: one row per due reminder. email_state: pending (to send while the phase is
-- open and a relay is configured), sent, no_address (the user has no e-mail), failed (gave
-- up after the retries), expired (the phase closed before it could be sent).
CREATE TABLE catalog.notifications (
    id              bigserial PRIMARY KEY,
    province_id     bigint NOT NULL REFERENCES catalog.provinces(id),
    period_id       bigint NOT NULL,
    phase           text NOT NULL,
    lead_days       int NOT NULL CHECK (lead_days > 0),
    user_id         bigint NOT NULL REFERENCES catalog.users(id),
    closes_at       timestamptz NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,      -- the sender's clock
    read_at         timestamptz,
    email_state     text NOT NULL DEFAULT 'pending'
                    CHECK (email_state IN ('pending', 'sent', 'no_address', 'failed', 'expired')),
    email_to        text,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    sent_at         timestamptz,
    UNIQUE (period_id, phase, lead_days, user_id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX notifications_user ON catalog.notifications (province_id, user_id, id DESC);
CREATE INDEX notifications_pending ON catalog.notifications (province_id, next_attempt_at)
    WHERE email_state = 'pending';
ALTER TABLE catalog.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON catalog.notifications USING (province_id = core.tenant())
    WITH CHECK (province_id = core.tenant());
GRANT SELECT, INSERT, UPDATE ON catalog.notifications TO chiso_app;
GRANT USAGE ON SEQUENCE catalog.notifications_id_seq TO chiso_app;

