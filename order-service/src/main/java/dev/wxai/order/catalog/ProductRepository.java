package dev.wxai.order.catalog;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class ProductRepository {

    private static final String COLUMNS = "SELECT sku, name, kind, price_fen, days FROM products";

    private final DatabaseClient db;

    ProductRepository(DatabaseClient db) {
        this.db = db;
    }

    Flux<Product> findActive() {
        return db.sql(COLUMNS + " WHERE active = TRUE ORDER BY id").map(ProductRepository::product).all();
    }

    /** A product that can be bought now. */
    public Mono<Product> findActiveBySku(String sku) {
        return db.sql(COLUMNS + " WHERE active = TRUE AND sku = :sku").bind("sku", sku).map(ProductRepository::product).one();
    }

    /** Any product, also one no longer sold: orders keep pointing at what was bought. */
    public Mono<Product> findBySku(String sku) {
        return db.sql(COLUMNS + " WHERE sku = :sku").bind("sku", sku).map(ProductRepository::product).one();
    }

    private static Product product(Readable row) {
        return new Product(row.get("sku", String.class), row.get("name", String.class), row.get("kind", String.class),
                row.get("price_fen", Long.class), row.get("days", Integer.class));
    }
}
