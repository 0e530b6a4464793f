-- Portable between MySQL 8 and MariaDB 10.11. Times are UTC, DATETIME(3) (TIMESTAMP ends in 2038).
-- Money is integer fen.

CREATE TABLE products (
    id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku       VARCHAR(64)  NOT NULL,
    name      VARCHAR(128) NOT NULL,
    kind      VARCHAR(16)  NOT NULL,
    price_fen BIGINT       NOT NULL,
    days      INT          NULL,
    active    BOOLEAN      NOT NULL DEFAULT TRUE,
    CONSTRAINT uk_products_sku UNIQUE (sku),
    CONSTRAINT ck_products_kind CHECK (kind IN ('COURSE', 'MEMBERSHIP')),
    CONSTRAINT ck_products_price CHECK (price_fen > 0),
    CONSTRAINT ck_products_days CHECK (kind = 'COURSE' OR days > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE orders (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    out_trade_no VARCHAR(32) NOT NULL,
    openid       VARCHAR(64) NOT NULL,
    sku          VARCHAR(64) NOT NULL,
    amount_fen   BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL,
    prepay_id    VARCHAR(64) NULL,
    created_at   DATETIME(3) NOT NULL,
    expires_at   DATETIME(3) NOT NULL,
    paid_at      DATETIME(3) NULL,
    version      INT         NOT NULL DEFAULT 0,
    CONSTRAINT uk_orders_out_trade_no UNIQUE (out_trade_no),
    CONSTRAINT ck_orders_status CHECK (status IN ('CREATED', 'PAID', 'CLOSED', 'REFUNDING', 'REFUNDED', 'FAILED')),
    CONSTRAINT ck_orders_amount CHECK (amount_fen > 0),
    INDEX ix_orders_openid_created (openid, created_at),
    INDEX ix_orders_status_expires (status, expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE payments (
    id             BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id       BIGINT      NOT NULL,
    transaction_id VARCHAR(64) NOT NULL,
    amount_fen     BIGINT      NOT NULL,
    success_time   DATETIME(3) NOT NULL,
    raw            TEXT        NOT NULL,
    CONSTRAINT uk_payments_transaction UNIQUE (transaction_id),
    CONSTRAINT fk_payments_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE outbox (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    aggregate_id VARCHAR(64) NOT NULL,
    type         VARCHAR(32) NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    published_at DATETIME(3) NULL,
    INDEX ix_outbox_unpublished (published_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
