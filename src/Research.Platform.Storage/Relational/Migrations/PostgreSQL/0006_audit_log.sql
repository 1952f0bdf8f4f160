-- The append-only, hash-chained audit log (Research.Data.Audit.AuditLog). hash = SHA-256(prev_hash + canonical row);
-- the first row's prev_hash is 64 zeros. The same table, with the same triggers, exists in the embedded SQLite store.
CREATE TABLE audit_log
(
    seq       bigint NOT NULL PRIMARY KEY,
    at_ms     bigint NOT NULL,
    actor     text   NOT NULL,
    action    text   NOT NULL,
    target    text   NOT NULL,
    outcome   text   NOT NULL,
    reason    text   NULL,
    source    text   NULL,
    details   text   NULL,
    prev_hash text   NOT NULL,
    hash      text   NOT NULL
);

CREATE INDEX ix_audit_log_at ON audit_log (at_ms);

-- The application may only append; rewriting history needs someone to drop these first, and verification finds it.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
