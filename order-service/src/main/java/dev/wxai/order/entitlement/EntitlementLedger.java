package dev.wxai.order.entitlement;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What users own, as MySQL records it: one {@code entitlements} row per paid order. Changes run inside the caller's
 * transaction (the order's own), and each bumps the user's revision first, which locks that user's revision row: one
 * user's changes apply one at a time, and a cache can keep whichever state has the highest revision.
 *
 * <p>A membership lasts its {@code seconds} and runs from the later of its payment and the end of the memberships
 * bought before it, so the end is {@code max over purchases k of (granted_at(k) + the seconds of k and of every
 * purchase after it)}: a window sum, with no running state to keep in step. A refunded purchase counts 0 seconds, so
 * the ones after it move up, as the days are given back.
 */
@Component
public class EntitlementLedger {

    private static final String ENDS = """
            SELECT openid, MAX(DATE_ADD(granted_at, INTERVAL seconds_from_here SECOND)) AS ends
            FROM (SELECT e.openid, e.granted_at,
                         SUM(e.seconds) OVER (PARTITION BY e.openid ORDER BY e.granted_at DESC, e.id DESC
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS seconds_from_here
                  FROM entitlements e
                  WHERE e.kind = 'MEMBERSHIP' AND e.revoked_at IS NULL AND e.seconds > 0 %s) purchases
            GROUP BY openid
            """;

    private final DatabaseClient db;

    EntitlementLedger(DatabaseClient db) {
        this.db = db;
    }

    /** A paid order's grant: a membership of {@code days}, or a course ({@code days} null). */
    public Mono<EntitlementState> grant(long orderId, String openid, String sku, String kind, Integer days, Instant paidAt, Instant now) {
        Long seconds = "MEMBERSHIP".equals(kind) && days != null ? Duration.ofDays(days).toSeconds() : null;
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO entitlements "
                        + "(order_id, openid, sku, kind, granted_at, granted_seconds, seconds, revoked_at, updated_at) "
                        + "VALUES (:order, :openid, :sku, :kind, :granted, :seconds, :seconds, NULL, :now)")
                .bind("order", orderId).bind("openid", openid).bind("sku", sku).bind("kind", kind)
                .bind("granted", utc(paidAt)).bind("now", utc(now));
        insert = seconds == null ? insert.bindNull("seconds", Long.class) : insert.bind("seconds", seconds);
        return bumpRevision(openid).then(insert.then()).then(state(openid));
    }

    /** A full refund: the membership's days or the course go back. */
    public Mono<EntitlementState> revoke(long orderId, String openid, Instant now) {
        return bumpRevision(openid)
                .then(db.sql("UPDATE entitlements SET revoked_at = :now, seconds = 0, updated_at = :now WHERE order_id = :order")
                        .bind("now", utc(now)).bind("order", orderId).then())
                .then(state(openid));
    }

    /**
     * A partial refund of {@code refundedFen} of {@code amountFen} so far: a membership keeps the unrefunded share of
     * its days (pro rata), or all of them ({@code proRata} false). Never ends it whole; a course stays owned.
     */
    public Mono<EntitlementState> partiallyRefunded(long orderId, String openid, long refundedFen, long amountFen, boolean proRata,
                                                    Instant now) {
        Mono<Void> shorten = proRata
                ? db.sql("UPDATE entitlements SET seconds = GREATEST(1, granted_seconds * (:amount - :refunded) DIV :amount), "
                                + "updated_at = :now WHERE order_id = :order AND kind = 'MEMBERSHIP' AND revoked_at IS NULL")
                        .bind("amount", amountFen).bind("refunded", refundedFen).bind("now", utc(now)).bind("order", orderId).then()
                : Mono.empty();
        return bumpRevision(openid).then(shorten).then(state(openid));
    }

    /** The user's entitlement now; revision 0 and nothing owned for a user who never bought anything. */
    public Mono<EntitlementState> state(String openid) {
        Mono<Long> revision = db.sql("SELECT revision FROM entitlement_revisions WHERE openid = :openid").bind("openid", openid)
                .map(row -> row.get("revision", Long.class)).one().defaultIfEmpty(0L);
        Mono<List<String>> courses = db.sql("SELECT sku FROM entitlements WHERE openid = :openid AND kind = 'COURSE' "
                        + "AND revoked_at IS NULL ORDER BY granted_at").bind("openid", openid)
                .map(row -> row.get("sku", String.class)).all().collectList();
        Mono<java.util.Optional<Instant>> until = membershipEnd(openid).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty());
        return Mono.zip(revision, until, courses)
                .map(all -> new EntitlementState(openid, all.getT2().orElse(null), all.getT1(), all.getT3()));
    }

    /** When the user's membership ends (possibly in the past); empty when they never had one that counts. */
    public Mono<Instant> membershipEnd(String openid) {
        return db.sql(ENDS.formatted("AND e.openid = :openid")).bind("openid", openid)
                .map(row -> row.get("ends", LocalDateTime.class))
                .one()
                .map(ends -> ends.toInstant(ZoneOffset.UTC));
    }

    /** Users whose membership is running at {@code now}. */
    public Mono<Long> activeMembers(Instant now) {
        return db.sql("SELECT COUNT(*) AS n FROM (" + ENDS.formatted("") + ") memberships WHERE ends > :now")
                .bind("now", utc(now))
                .map(row -> row.get("n", Long.class))
                .one();
    }

    /** Locks the user's revision row for the rest of the transaction: their changes serialise here. */
    private Mono<Void> bumpRevision(String openid) {
        return db.sql("INSERT INTO entitlement_revisions (openid, revision) VALUES (:openid, 1) "
                        + "ON DUPLICATE KEY UPDATE revision = revision + 1")
                .bind("openid", openid).then();
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * @param membershipUntil the membership's end, past or future; null when the user never had one that counts
     * @param revision        bumped by every change of this user's entitlements
     * @param courses         skus of the courses the user owns
     */
    public record EntitlementState(String openid, Instant membershipUntil, long revision, List<String> courses) {

        public boolean memberAt(Instant now) {
            return membershipUntil != null && membershipUntil.isAfter(now);
        }
    }
}
