-- Wakes the outbox relay (packages/outbox/src/listener.ts) when events are written: one NOTIFY per
-- writing statement, delivered at commit (and never for a rolled-back write), so the relay needs
-- no polling. PostgreSQL folds identical notifications of one transaction into one.
-- The body's semicolons are written \073: the driver adapter splits migration scripts at every
-- semicolon, even inside quotes (see the toolchain notes).
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql
AS E'BEGIN PERFORM pg_notify(''outbox_events'', '''')\073 RETURN NULL\073 END';

CREATE TRIGGER outbox_events_notify
AFTER INSERT ON "outbox_events"
FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
