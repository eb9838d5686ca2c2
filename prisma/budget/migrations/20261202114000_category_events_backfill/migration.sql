-- Custom categories created before category events existed: one category.created event each, so
-- the transactions and ai read models learn them through the relay like any new category (their
-- consumers ignore an id they already know). Defaults need none: every domain derives their ids.
INSERT INTO "outbox_events" ("id", "type", "aggregate_id", "payload")
SELECT e.id, 'category.created', c.id,
       jsonb_build_object(
         'eventId', e.id,
         'type', 'category.created',
         'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'category', jsonb_build_object('id', c.id, 'userId', c.user_id, 'slug', c.slug, 'kind', c.kind::text)
       )
-- The event id is drawn per row in a subquery's select list: an uncorrelated LATERAL subquery is
-- evaluated once, so every category got the same id and a second one failed the primary key.
FROM (SELECT cat.*, gen_random_uuid() AS event_id FROM "categories" cat) c
CROSS JOIN LATERAL (SELECT c.event_id AS id) e
WHERE NOT c.is_default
  AND NOT EXISTS (SELECT 1 FROM "outbox_events" o WHERE o.aggregate_id = c.id AND o.type = 'category.created');
