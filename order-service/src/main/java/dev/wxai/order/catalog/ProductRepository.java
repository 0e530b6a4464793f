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
    private final java.util.concurrent.ConcurrentHashMap<String, Product> bySku = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Any product, also one no longer sold: orders keep pointing at what was bought. Cached: a product's kind and
     * days never change once sold (prices and names may, but orders carry their own amount), and every payment
     * event needs them.
     */
    public Mono<Product> findBySku(String sku) {
        Product cached = bySku.get(sku);
        if (cached != null) {
            return Mono.just(cached);
        }
        return db.sql(COLUMNS + " WHERE sku = :sku").bind("sku", sku).map(ProductRepository::product).one()
                .doOnNext(product -> bySku.put(sku, product));
    }

    private static Product product(Readable row) {
        return new Product(row.get("sku", String.class), row.get("name", String.class), row.get("kind", String.class),
                row.get("price_fen", Long.class), row.get("days", Integer.class));
    }
}
