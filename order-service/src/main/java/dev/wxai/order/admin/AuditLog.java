package dev.wxai.order.admin;

import dev.wxai.order.security.Operator;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The {@code admin_audit} table: one row per operator action, written whether the action succeeded or not. */
@Component
class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int DETAIL_MAX = 512;

    private final DatabaseClient db;
    private final Clock clock;

    AuditLog(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Mono<Void> record(Operator operator, String action, String target, String outcome, String detail) {
        Instant at = clock.instant();
        log.info("Admin {} by {} on {}: {}", action, operator.name(), target, outcome);
        return db.sql("INSERT INTO admin_audit (operator, action, target, outcome, detail, at) "
                        + "VALUES (:operator, :action, :target, :outcome, :detail, :at)")
                .bind("operator", operator.name())
                .bind("action", action)
                .bind("target", target == null ? "" : target)
                .bind("outcome", outcome)
                .bind("detail", detail == null ? "" : cut(detail))
                .bind("at", LocalDateTime.ofInstant(at, ZoneOffset.UTC))
                .then();
    }

    /** Newest first. */
    Mono<List<AuditEntry>> recent(int page, int size) {
        return db.sql("SELECT operator, action, target, outcome, detail, at FROM admin_audit ORDER BY id DESC LIMIT :size OFFSET :offset")
                .bind("size", size).bind("offset", (long) page * size)
                .map(row -> new AuditEntry(row.get("operator", String.class), row.get("action", String.class),
                        row.get("target", String.class), row.get("outcome", String.class), row.get("detail", String.class),
                        row.get("at", LocalDateTime.class).toInstant(ZoneOffset.UTC)))
                .all()
                .collectList();
    }

    private static String cut(String detail) {
        return detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX);
    }

    record AuditEntry(String operator, String action, String target, String outcome, String detail, Instant at) {
    }
}
