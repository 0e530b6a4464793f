-- Every operator action: who (the token's name), what, on which target, when, and how it ended. Rows are only ever
-- inserted; nothing in the service updates or deletes them.
CREATE TABLE admin_audit (
    id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    operator VARCHAR(64)  NOT NULL,
    action   VARCHAR(64)  NOT NULL,
    target   VARCHAR(128) NULL,
    outcome  VARCHAR(64)  NOT NULL,
    detail   VARCHAR(512) NULL,
    at       DATETIME(3)  NOT NULL,
    INDEX ix_admin_audit_at (at),
    INDEX ix_admin_audit_target (target)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
