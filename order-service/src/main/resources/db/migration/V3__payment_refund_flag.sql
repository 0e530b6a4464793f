-- A payment that arrives for an order already CLOSED (paid just as it expired) is kept, never lost, and flagged
-- so that it is refunded.
ALTER TABLE payments ADD COLUMN needs_refund BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX ix_payments_order ON payments (order_id);
