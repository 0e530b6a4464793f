-- The trace of the request that wrote the event (W3C traceparent), so that the relay publishes it under the same
-- trace: one payment is one trace from the notification to the worker's entitlement update.
ALTER TABLE outbox ADD COLUMN traceparent VARCHAR(64) NULL;
