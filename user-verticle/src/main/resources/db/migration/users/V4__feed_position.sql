-- The live feed's position (FeedPosition): the id of the transaction that inserted the user. Users whose
-- transaction id is below the oldest one still running are final; the feed releases them in (xid, id) order.
ALTER TABLE users ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX users_feed_position ON users (xid, id);
