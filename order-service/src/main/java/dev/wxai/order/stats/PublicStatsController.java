package dev.wxai.order.stats;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/stats}: what a marketing page may show. Revenue and order counts are the operators'
 * ({@code GET /admin/stats}).
 */
@RestController
class PublicStatsController {

    private final Figures figures;

    PublicStatsController(Figures figures) {
        this.figures = figures;
    }

    @GetMapping("/api/stats")
    Mono<PublicStats> stats() {
        return figures.current().map(all -> new PublicStats(all.messages(), all.replies(), all.members()));
    }

    record PublicStats(long messages, long replies, long members) {
    }
}
