package dev.wxai.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands where the ingress and the order-service stand: answers requests 200 (paths with "flaky" fail twice first,
 * queries with "slow=" answer after {@link #SLOW}) and keeps what reached it, so that a test can tell what the gateway
 * let through and how. Registered as a JUnit extension ({@code @RegisterExtension static}), it stops after its class.
 */
final class Upstream implements AutoCloseable, AfterAllCallback {

    static final Duration SLOW = Duration.ofSeconds(3);

    /** A request as it arrived: {@code uri} is the path with the query string, exactly as sent. */
    record Received(String method, String uri, HttpHeaders headers, String body) {
    }

    record Answer(int status, String contentType, String body) {
    }

    private final ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Received> last = new ConcurrentHashMap<>();
    private final DisposableServer server;
    /** Like a service shutting down: readiness and everything else answer 503. */
    private volatile boolean unready;
    /** What every request is answered, when a test chose it. */
    private volatile Answer fixed;

    Upstream() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> {
                            int hit = hits.computeIfAbsent(request.path(), path -> new AtomicInteger()).incrementAndGet();
                            last.put(request.path(), new Received(request.method().name(), request.uri(),
                                    request.requestHeaders().copy(), body));
                            Answer answer = answer(request.path(), hit);
                            Mono<Void> reply = response.status(answer.status()).header("Content-Type", answer.contentType())
                                    .sendString(Mono.just(answer.body())).then();
                            return request.uri().contains("slow=") ? Mono.delay(SLOW).then(reply) : reply;
                        }))
                .bindNow();
    }

    private Answer answer(String path, int hit) {
        Answer chosen = fixed;
        if (chosen != null && !path.startsWith("actuator")) {
            return chosen;
        }
        // Paths with "flaky" fail their first two hits, like an upstream that is restarting.
        int status = unready ? 503 : path.contains("flaky") && hit <= 2 ? 500 : 200;
        return new Answer(status, "text/plain", "upstream:" + path);
    }

    void markUnready() {
        unready = true;
    }

    /** Every request but readiness checks gets this answer from now on. */
    void answerWith(int status, String contentType, String body) {
        fixed = new Answer(status, contentType, body);
    }

    void answerNormally() {
        fixed = null;
    }

    String uri() {
        return "http://127.0.0.1:" + server.port();
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path.startsWith("/") ? path.substring(1) : path);
        return count == null ? 0 : count.get();
    }

    /** The last request that reached {@code path}. */
    Received last(String path) {
        return last.get(path.startsWith("/") ? path.substring(1) : path);
    }

    /** The headers of the last request that reached {@code path}. */
    HttpHeaders lastHeaders(String path) {
        return last(path).headers();
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
