package dev.wxai.order.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration
class PersistenceConfig {

    /**
     * READ COMMITTED: every transition is a conditional update, so nothing relies on repeatable reads, and InnoDB's
     * gap locks under REPEATABLE READ made payment inserts deadlock with the outbox relay's locking read.
     */
    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactions) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        return TransactionalOperator.create(transactions, definition);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
