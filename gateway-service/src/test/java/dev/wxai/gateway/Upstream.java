package dev.wxai.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands where the ingress and the order-service stand: answers requests 200 (paths with "flaky" fail twice first,
 * queries with "slow=" answer after {@link #SLOW}) and keeps what reached it, so that a test can tell what the gateway
 * let through and how. Like the real services, its readiness answers only on its management port; its public port
 * answers {@code /actuator/**} 404. Registered as a JUnit extension ({@code @RegisterExtension static}), it stops after
 * its class.
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
    private final DisposableServer management;
    /** Like a service shutting down: readiness and everything else answer 503. */
    private volatile boolean unready;
    /** What every request is answered, when a test chose it. */
    private volatile Answer fixed;

    Upstream() {
        this("127.0.0.1", 0);
    }

    /**
     * @param host           a loopback address: two instances of one service share a management port on different
     *                       addresses (127.0.0.1, 127.0.0.2), as pods of one Deployment do
     * @param managementPort 0 for any free one
     */
    Upstream(String host, int managementPort) {
        management = HttpServer.create().host(host).port(managementPort)
                .handle((request, response) -> response.status(
                                request.path().startsWith("actuator/health") ? unready ? 503 : 200 : 404)
                        .header("Content-Type", "application/json")
                        .sendString(Mono.just(unready ? "{\"status\":\"OUT_OF_SERVICE\"}" : "{\"status\":\"UP\"}")))
                .bindNow();
        server = HttpServer.create().host(host).port(0)
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
        if (path.startsWith("actuator")) {
            return new Answer(404, "text/plain", "no actuator on the public port");
        }
        Answer chosen = fixed;
        if (chosen != null) {
            return chosen;
        }
        // Paths with "flaky" fail their first two hits, like an upstream that is restarting.
        int status = unready ? 503 : path.contains("flaky") && hit <= 2 ? 500 : 200;
        return new Answer(status, "text/plain", "upstream:" + path);
    }

    void markUnready() {
        unready = true;
    }

    /** Every request gets this answer from now on (readiness, on the management port, stays as it was). */
    void answerWith(int status, String contentType, String body) {
        fixed = new Answer(status, contentType, body);
    }

    void answerNormally() {
        fixed = null;
    }

    String uri() {
        return "http://" + server.host() + ":" + server.port();
    }

    /** Where its readiness answers: the gateway's {@code spring.cloud.loadbalancer.clients.*.health-check.port}. */
    int managementPort() {
        return management.port();
    }

    /** Points the gateway's readiness checks of both upstream services at this upstream's management port. */
    void checkedOnItsManagementPort(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.loadbalancer.clients.ingress.health-check.port", this::managementPort);
        registry.add("spring.cloud.loadbalancer.clients.order.health-check.port", this::managementPort);
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
        management.disposeNow();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
