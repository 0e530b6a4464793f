package dev.wxai.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands where the ingress and the order-service stand: answers requests 200 (paths with "flaky" fail twice first)
 * and counts what reached it, so that a test can tell what the gateway let through.
 */
final class Upstream implements AutoCloseable {

    private final ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, HttpHeaders> lastHeaders = new ConcurrentHashMap<>();
    private final DisposableServer server;
    /** Like a service shutting down: readiness and everything else answer 503. */
    private volatile boolean unready;

    Upstream() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> {
                            int hit = hits.computeIfAbsent(request.path(), path -> new AtomicInteger()).incrementAndGet();
                            lastHeaders.put(request.path(), request.requestHeaders().copy());
                            // Paths with "flaky" fail their first two hits, like an upstream that is restarting.
                            int status = unready ? 503 : request.path().contains("flaky") && hit <= 2 ? 500 : 200;
                            return response.status(status).header("Content-Type", "text/plain")
                                    .sendString(Mono.just("upstream:" + request.path())).then();
                        }))
                .bindNow();
    }

    void markUnready() {
        unready = true;
    }

    String uri() {
        return "http://127.0.0.1:" + server.port();
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path.startsWith("/") ? path.substring(1) : path);
        return count == null ? 0 : count.get();
    }

    /** The headers of the last request that reached {@code path}. */
    HttpHeaders lastHeaders(String path) {
        return lastHeaders.get(path.startsWith("/") ? path.substring(1) : path);
    }

    @Override
    public void close() {
        server.disposeNow();

    }
}
