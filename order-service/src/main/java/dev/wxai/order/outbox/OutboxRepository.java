package dev.wxai.order.outbox;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Events written in the same transaction as the state change they describe, so that a change is never made
 * without its event or announced without being made; the relay publishes them afterwards.
 */
@Repository
public class OutboxRepository {

    private final DatabaseClient db;
    private final OutboxTracing tracing;

    OutboxRepository(DatabaseClient db, OutboxTracing tracing) {
        this.db = db;
        this.tracing = tracing;
    }

    /** The row carries the writer's trace, when there is one ({@link OutboxTracing}). */
    public Mono<Void> insert(String aggregateId, String type, String payload, Instant createdAt) {
        return tracing.currentTraceparent().map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(traceparent -> {
                    DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO outbox (aggregate_id, type, payload, created_at, traceparent) "
                                    + "VALUES (:aggregate, :type, :payload, :created, :traceparent)")
                            .bind("aggregate", aggregateId).bind("type", type).bind("payload", payload)
                            .bind("created", LocalDateTime.ofInstant(createdAt, ZoneOffset.UTC));
                    return (traceparent.isPresent() ? insert.bind("traceparent", traceparent.get())
                            : insert.bindNull("traceparent", String.class)).then();
                });
    }

    /**
     * True when this transaction now holds the relay's lock; false at once when another replica's relay holds it
     * (SKIP LOCKED does not wait). Held until the transaction ends, whatever way it ends.
     */
    Mono<Boolean> takeRelayLock() {
        return db.sql("SELECT id FROM outbox_relay_lock WHERE id = 1 FOR UPDATE SKIP LOCKED")
                .map(row -> row.get("id", Integer.class)).all().hasElements();
    }

    /** The oldest unpublished rows, in the order they were written. */
    Flux<OutboxRow> unpublished(int limit) {
        return db.sql("SELECT id, aggregate_id, type, payload, traceparent FROM outbox WHERE published_at IS NULL ORDER BY id "
                        + "LIMIT :limit")
                .bind("limit", limit)
                .map(row -> new OutboxRow(row.get("id", Long.class), row.get("aggregate_id", String.class),
                        row.get("type", String.class), row.get("payload", String.class), row.get("traceparent", String.class)))
                .all();
    }

    Mono<Long> markPublished(List<Long> ids, Instant at) {
        return db.sql("UPDATE outbox SET published_at = :at WHERE id IN (:ids)")
                .bind("at", LocalDateTime.ofInstant(at, ZoneOffset.UTC)).bind("ids", ids)
                .fetch().rowsUpdated();
    }

    record OutboxRow(long id, String aggregateId, String type, String payload, String traceparent) {
    }
}
