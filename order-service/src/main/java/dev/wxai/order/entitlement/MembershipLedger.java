package dev.wxai.order.entitlement;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Memberships as MySQL records them: paid membership orders (PAID, or REFUNDING until the refund completes). One
 * purchase extends from the later of its payment and the current end, so the end is
 * {@code max over purchases k of (paid_at(k) + the days of k and of every purchase after it)}: a window sum, no
 * state to keep in step. Redis's {@code entitlement:{openid}} is a cache of the same (the workers' quota reads it);
 * this never depends on it, so a Redis restart or FLUSHALL takes nothing a user paid for.
 */
@Component
public class MembershipLedger {

    private static final String ENDS = """
            SELECT openid, MAX(DATE_ADD(paid_at, INTERVAL days_from_here DAY)) AS ends
            FROM (SELECT o.openid, o.paid_at,
                         SUM(p.days) OVER (PARTITION BY o.openid ORDER BY o.paid_at DESC, o.id DESC
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS days_from_here
                  FROM orders o JOIN products p ON p.sku = o.sku
                  WHERE o.status IN ('PAID', 'REFUNDING') AND p.kind = 'MEMBERSHIP' AND o.paid_at IS NOT NULL %s) purchases
            GROUP BY openid
            """;

    private final DatabaseClient db;

    MembershipLedger(DatabaseClient db) {
        this.db = db;
    }

    /** When the user's membership ends (possibly in the past); empty when they never bought one. */
    public Mono<Instant> membershipEnd(String openid) {
        return db.sql(ENDS.formatted("AND o.openid = :openid")).bind("openid", openid)
                .map(row -> row.get("ends", LocalDateTime.class))
                .one()
                .map(ends -> ends.toInstant(ZoneOffset.UTC));
    }

    /** Users whose membership is running at {@code now}. */
    public Mono<Long> activeMembers(Instant now) {
        return db.sql("SELECT COUNT(*) AS n FROM (" + ENDS.formatted("") + ") memberships WHERE ends > :now")
                .bind("now", LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                .map(row -> row.get("n", Long.class))
                .one();
    }
}
