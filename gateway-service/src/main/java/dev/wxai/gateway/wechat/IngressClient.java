package dev.wxai.gateway.wechat;

import dev.wxai.gateway.config.GatewayProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends a {@code /wechat} request to a ready ingress instance and brings its whole answer back, behind the
 * resilience4j circuit breaker {@value #BREAKER} (configured under {@code resilience4j.circuitbreaker}). Every
 * failure to get an answer (circuit open, no ready instance, connection refused, no answer within
 * {@code wxai.gateway.ingress-timeout}) is an error for the caller to answer; the breaker counts all but its own
 * refusals. The ingress's own answers, 5xx included, are answers: it decides those (a 503 marked {@code X-Wxai-Held}
 * ends a hold it chose), and none counts against it.
 */
@Component
class IngressClient implements DisposableBean {

    static final String BREAKER = "ingress";
    /** A refused or unroutable connection is known within a second; the delivery is then held (WechatRoute). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Connections kept open per ingress instance. In passive reply mode the ingress holds deliveries for up to 6 s,
     * so a few thousand messages a second are thousands in flight at once: the pool must not be what queues them.
     */
    static final int MAX_CONNECTIONS = 4096;
    /** Requests waiting for a connection when all are busy, and how long they wait before failing (fast, as above). */
    static final int MAX_PENDING = 8192;
    static final Duration PENDING_TIMEOUT = CONNECT_TIMEOUT;
    /**
     * Idle connections are closed after a while, and every connection after a minute: on Kubernetes one Service
     * address spreads connections, not requests, so new ingress pods get their share only of new connections.
     */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    static final Duration MAX_LIFE = Duration.ofMinutes(1);

    private final ConnectionProvider connections;
    private final HttpClient http;
    private final IngressInstances instances;
    private final CircuitBreaker breaker;

    IngressClient(GatewayProperties properties, IngressInstances instances, CircuitBreakerRegistry breakers) {
        this.connections = ConnectionProvider.builder(BREAKER)
                .maxConnections(MAX_CONNECTIONS)
                .pendingAcquireMaxCount(MAX_PENDING)
                .pendingAcquireTimeout(PENDING_TIMEOUT)
                .maxIdleTime(MAX_IDLE)
                .maxLifeTime(MAX_LIFE)
                .build();
        this.http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .responseTimeout(properties.ingressTimeout());
        this.instances = instances;
        this.breaker = breakers.circuitBreaker(BREAKER);
    }

    Mono<IngressAnswer> forward(IngressCall call) {
        return instances.next()
                .flatMap(baseUrl -> send(baseUrl, call))
                .transformDeferred(CircuitBreakerOperator.of(breaker));
    }

    private Mono<IngressAnswer> send(String baseUrl, IngressCall call) {
        return http.request(call.method())
                .uri(baseUrl + call.pathAndQuery())
                .send((request, out) -> {
                    request.headers(call.headers());
                    return out.sendByteArray(Mono.just(call.body()));
                })
                .responseSingle((response, body) -> body.asByteArray()
                        .defaultIfEmpty(IngressAnswer.NO_BODY)
                        .map(bytes -> new IngressAnswer(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), bytes)));
    }

    @Override
    public void destroy() {
        connections.dispose();
    }
}
