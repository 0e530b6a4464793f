-- MySQL becomes the record of what users own (memberships and courses), of every refund, and of how our books
-- compare with WeChat Pay's. Redis only caches entitlements.

-- Money refunded so far; an order stays PAID after a partial refund and becomes REFUNDED when all of it is back.
ALTER TABLE orders ADD COLUMN refunded_fen BIGINT NOT NULL DEFAULT 0;

-- One row per paid order: what it grants. A membership is `seconds` long (its days, less what a pro-rata refund took
-- back) and runs from the later of its payment and the end of the user's earlier memberships; a course is owned
-- until a full refund revokes it.
CREATE TABLE entitlements (
    id              BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id        BIGINT      NOT NULL,
    openid          VARCHAR(64) NOT NULL,
    sku             VARCHAR(64) NOT NULL,
    kind            VARCHAR(16) NOT NULL,
    granted_at      DATETIME(3) NOT NULL,
    granted_seconds BIGINT      NULL,
    seconds         BIGINT      NULL,
    revoked_at      DATETIME(3) NULL,
    updated_at      DATETIME(3) NOT NULL,
    CONSTRAINT uk_entitlements_order UNIQUE (order_id),
    CONSTRAINT fk_entitlements_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT ck_entitlements_kind CHECK (kind IN ('COURSE', 'MEMBERSHIP')),
    INDEX ix_entitlements_openid (openid, granted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Each user's entitlement revision: bumped (and its row locked) by every change, so that one user's changes apply
-- one at a time and caches keep the newest state whatever order events reach them in.
CREATE TABLE entitlement_revisions (
    openid   VARCHAR(64) NOT NULL PRIMARY KEY,
    revision BIGINT      NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every refund, ours or made in the merchant console: PROCESSING until WeChat Pay says SUCCESS, CLOSED or ABNORMAL.
CREATE TABLE refunds (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id       BIGINT       NOT NULL,
    transaction_id VARCHAR(64)  NOT NULL,
    out_refund_no  VARCHAR(64)  NOT NULL,
    refund_id      VARCHAR(64)  NULL,
    amount_fen     BIGINT       NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    reason         VARCHAR(200) NULL,
    requested_at   DATETIME(3)  NOT NULL,
    completed_at   DATETIME(3)  NULL,
    CONSTRAINT uk_refunds_out_refund_no UNIQUE (out_refund_no),
    CONSTRAINT fk_refunds_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT ck_refunds_status CHECK (status IN ('PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL')),
    CONSTRAINT ck_refunds_amount CHECK (amount_fen > 0),
    INDEX ix_refunds_status_requested (status, requested_at),
    INDEX ix_refunds_completed (completed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per reconciled bill day (Beijing date), and every line where the bill and our books disagree.
CREATE TABLE reconciliations (
    bill_date   DATE        NOT NULL PRIMARY KEY,
    checked_at  DATETIME(3) NOT NULL,
    bill_lines  INT         NOT NULL,
    differences INT         NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE reconciliation_differences (
    id             BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    bill_date      DATE        NOT NULL,
    kind           VARCHAR(24) NOT NULL,
    transaction_id VARCHAR(64) NULL,
    out_trade_no   VARCHAR(64) NULL,
    out_refund_no  VARCHAR(64) NULL,
    ours_fen       BIGINT      NULL,
    bill_fen       BIGINT      NULL,
    INDEX ix_reconciliation_differences_date (bill_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What was paid before this migration becomes the record: memberships and courses of PAID and REFUNDING orders.
INSERT INTO entitlements (order_id, openid, sku, kind, granted_at, granted_seconds, seconds, revoked_at, updated_at)
SELECT o.id, o.openid, o.sku, p.kind, o.paid_at,
       CASE WHEN p.kind = 'MEMBERSHIP' THEN p.days * 86400 END,
       CASE WHEN p.kind = 'MEMBERSHIP' THEN p.days * 86400 END,
       NULL, o.paid_at
FROM orders o JOIN products p ON p.sku = o.sku
WHERE o.status IN ('PAID', 'REFUNDING') AND o.paid_at IS NOT NULL;

INSERT INTO entitlement_revisions (openid, revision)
SELECT openid, COUNT(*) FROM entitlements GROUP BY openid;

-- One outbox relay at a time, whichever replica it runs on: it holds this row's lock for its pass. With several
-- relays taking disjoint rows, one order's ORDER_REFUNDED could be published before its ORDER_PAID.
CREATE TABLE outbox_relay_lock (
    id INT NOT NULL PRIMARY KEY
) ENGINE = InnoDB;
INSERT INTO outbox_relay_lock (id) VALUES (1);
