package dev.wxai.order.catalog;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;

@Repository
class ProductRepository {

    private static final String COLUMNS = "SELECT sku, name, kind, price_fen, days FROM products";

    private final DatabaseClient db;

    ProductRepository(DatabaseClient db) {
        this.db = db;
    }

    Flux<Product> findActive() {
        return db.sql(COLUMNS + " WHERE active = TRUE ORDER BY id")
                .map((row, meta) -> new Product(row.get("sku", String.class), row.get("name", String.class),
                        row.get("kind", String.class), row.get("price_fen", Long.class), row.get("days", Integer.class)))
                .all();
    }
}
