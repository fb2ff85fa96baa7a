-- The outbox sweep claims the rows it publishes for a while (a lease) in a short transaction, instead of holding
-- row locks in a transaction open across the publish: an open transaction would hold back the live feed, which
-- releases only users below the oldest transaction still running.
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ;
