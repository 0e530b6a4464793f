package dev.wxai.order.catalog;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

@RestController
class ProductController {

    private final ProductRepository products;

    ProductController(ProductRepository products) {
        this.products = products;
    }

    /** The active catalogue, in the order the shop presents it. */
    @GetMapping("/api/products")
    Flux<Product> products() {
        return products.findActive();
    }
}
