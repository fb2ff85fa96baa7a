-- The transactional outbox: one row per event, written in the same statement as the change it
-- describes, deleted by the relay only after RabbitMQ confirmed the publish.
CREATE TABLE outbox (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    UUID        NOT NULL UNIQUE,
  routing_key TEXT        NOT NULL,
  payload     JSONB       NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
