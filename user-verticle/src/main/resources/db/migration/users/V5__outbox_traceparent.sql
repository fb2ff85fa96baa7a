-- The W3C trace context of the request that wrote the event: the relay's publish continues that trace, and the
-- consumers continue it from the AMQP headers. Null when the request was not traced.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
