package dev.wxai.order.reconcile;

import dev.wxai.order.reconcile.ReconciliationReport.Difference;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reconciliation results by bill day; running a day again replaces its result. */
@Repository
class ReconciliationRepository {

    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    ReconciliationRepository(DatabaseClient db, TransactionalOperator transaction) {
        this.db = db;
        this.transaction = transaction;
    }

    Mono<ReconciliationReport> save(ReconciliationReport report) {
        Mono<Void> replace = db.sql("DELETE FROM reconciliation_differences WHERE bill_date = :day").bind("day", report.billDate()).then()
                .then(db.sql("DELETE FROM reconciliations WHERE bill_date = :day").bind("day", report.billDate()).then())
                .then(db.sql("INSERT INTO reconciliations (bill_date, checked_at, bill_lines, differences) VALUES (:day, :at, :lines, :n)")
                        .bind("day", report.billDate()).bind("at", LocalDateTime.ofInstant(report.checkedAt(), ZoneOffset.UTC))
                        .bind("lines", report.billLines()).bind("n", report.differences().size()).then())
                .thenMany(Flux.fromIterable(report.differences()).concatMap(difference -> insert(report.billDate(), difference)))
                .then();
        return replace.as(transaction::transactional).thenReturn(report);
    }

    Mono<ReconciliationReport> find(LocalDate day) {
        Flux<Difference> differences = db.sql("SELECT kind, transaction_id, out_trade_no, out_refund_no, ours_fen, bill_fen "
                        + "FROM reconciliation_differences WHERE bill_date = :day ORDER BY id").bind("day", day)
                .map(row -> new Difference(ReconciliationReport.Kind.valueOf(row.get("kind", String.class)),
                        row.get("transaction_id", String.class), row.get("out_trade_no", String.class),
                        row.get("out_refund_no", String.class), row.get("ours_fen", Long.class), row.get("bill_fen", Long.class)))
                .all();
        return db.sql("SELECT checked_at, bill_lines FROM reconciliations WHERE bill_date = :day").bind("day", day)
                .map(row -> new Header(row.get("checked_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
                        row.get("bill_lines", Integer.class)))
                .one()
                .flatMap(header -> differences.collectList()
                        .map(list -> new ReconciliationReport(day, header.checkedAt(), header.billLines(), list)));
    }

    Mono<Boolean> exists(LocalDate day) {
        return db.sql("SELECT COUNT(*) AS n FROM reconciliations WHERE bill_date = :day").bind("day", day)
                .map(row -> row.get("n", Long.class)).one().map(n -> n > 0);
    }

    private Mono<Void> insert(LocalDate day, Difference difference) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO reconciliation_differences "
                        + "(bill_date, kind, transaction_id, out_trade_no, out_refund_no, ours_fen, bill_fen) "
                        + "VALUES (:day, :kind, :tx, :trade, :refund, :ours, :bill)")
                .bind("day", day).bind("kind", difference.kind().name());
        insert = bindNullable(insert, "tx", difference.transactionId(), String.class);
        insert = bindNullable(insert, "trade", difference.outTradeNo(), String.class);
        insert = bindNullable(insert, "refund", difference.outRefundNo(), String.class);
        insert = bindNullable(insert, "ours", difference.oursFen(), Long.class);
        insert = bindNullable(insert, "bill", difference.billFen(), Long.class);
        return insert.then();
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private record Header(Instant checkedAt, int billLines) {
    }
}
