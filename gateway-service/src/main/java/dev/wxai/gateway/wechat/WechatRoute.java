package dev.wxai.gateway.wechat;

import dev.wxai.gateway.edge.EdgeHeaders;
import dev.wxai.gateway.tracing.TraceHandOff;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import dev.wxai.gateway.config.GatewayProperties;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code GET /wechat} (WeChat's URL check) and {@code POST /wechat} (every message) on a path of their own, in front of
 * Spring Cloud Gateway: its filter chain cost more CPU per message than the whole budget of gateway, ingress, Redis and
 * Kafka together (bench/RESULTS.md, "Gateway"), and {@code /wechat} needs little of it. What the route did stays:
 * the body limit (413 before forwarding), the query string and content type forwarded untouched, the request id and
 * security headers ({@link EdgeHeaders}), {@code X-Forwarded-For}/{@code -Proto}, the trace handed on
 * ({@link TraceHandOff}), round-robin over the ready ingress instances behind the circuit breaker
 * ({@link IngressClient}), and the ingress's status, content type and body back to WeChat unchanged (a delivery the
 * ingress holds stays open until it answers). When no ingress can be asked, the delivery is held before its 503.
 *
 * <p>No Redis, no per-openid state: the gateway cannot tell WeChat from a forger (only the ingress knows the token),
 * so anything it kept per openid could be spent by unsigned requests. Other methods and paths go on to Spring Cloud
 * Gateway, which has no route for them (404).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class WechatRoute implements WebFilter {

    static final String PATH = "/wechat";
    /** As Spring Cloud Gateway's RequestSize filter had it: a WeChat message, even encrypted, is a few KB. */
    static final int MAX_BODY = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(WechatRoute.class);
    private static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final String FORWARDED_PROTO = "X-Forwarded-Proto";

    private final IngressClient ingress;
    private final TraceHandOff trace;
    private final WechatRequestTimers timers;
    private final ApplicationContext publicServer;
    private final Duration hold;
    private final Semaphore holds;

    WechatRoute(IngressClient ingress, TraceHandOff trace, WechatRequestTimers timers, ApplicationContext context,
                GatewayProperties properties) {
        this.ingress = ingress;
        this.hold = properties.wechatHold();
        this.holds = new Semaphore(properties.wechatMaxHeld());
        this.trace = trace;
        this.timers = timers;
        this.publicServer = context;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!serves(exchange)) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        String requestId = EdgeHeaders.requestId(exchange.getRequest());
        EdgeHeaders.addTo(exchange.getResponse().getHeaders(), requestId);
        return answer(exchange, requestId, start)
                .flatMap(answer -> write(exchange.getResponse(), answer)
                        .doOnSuccess(written -> timers.record(answer.status(), System.nanoTime() - start)));
    }

    /**
     * GET and POST of exactly {@code /wechat}, on the public port. The management server ({@code management.server.port})
     * runs a child context that inherits this context's web filters: nothing is forwarded from there.
     */
    private boolean serves(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpMethod method = request.getMethod();
        return (method == HttpMethod.POST || method == HttpMethod.GET) && PATH.equals(request.getPath().value())
                && exchange.getApplicationContext() == publicServer;
    }

    private Mono<IngressAnswer> answer(ServerWebExchange exchange, String requestId, long start) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getHeaders().getContentLength() > MAX_BODY) {
            return Mono.just(IngressAnswer.TOO_LARGE);
        }
        return body(request)
                .flatMap(body -> ingress.forward(call(exchange, requestId, body)))
                .onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(IngressAnswer.TOO_LARGE))
                .onErrorResume(failure -> unavailable(request, failure, start));
    }

    /**
     * No answer from an ingress. A message that could not be handed to any ingress is held past WeChat's deadline
     * first, as the ingress holds what it cannot settle yet: WeChat delivers again after its own time-out, three times
     * over ~15 s, while a failure status would bring the retries at once (and after the last, an error on the user's
     * screen). An ingress that did not answer within {@code ingress-timeout} has already outlasted WeChat's deadline,
     * and the URL check (GET) is an operator's, who is better served at once.
     */
    private Mono<IngressAnswer> unavailable(ServerHttpRequest request, Throwable failure, long start) {
        // Reactor Netty's responseTimeout raises ReadTimeoutException; a pool that could not lend a connection in time
        // (TimeoutException) means this gateway is saturated, and holding would only add to it.
        boolean askedNobody = !(failure instanceof ReadTimeoutException || failure instanceof TimeoutException)
                && request.getMethod() == HttpMethod.POST;
        if (!askedNobody || !holds.tryAcquire()) {
            log.debug("/wechat answered 503: {}", failure.toString());
            return Mono.just(IngressAnswer.UNAVAILABLE);
        }
        log.debug("/wechat held, then 503: {}", failure.toString());
        long left = Math.max(0, start + hold.toNanos() - System.nanoTime());
        return Mono.delay(Duration.ofNanos(left)).thenReturn(IngressAnswer.UNAVAILABLE).doFinally(signal -> holds.release());
    }

    /** The whole body, copied out of Netty's buffers (released at once); a chunked body is cut off past the limit. */
    private static Mono<byte[]> body(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), MAX_BODY)
                .map(WechatRoute::bytes)
                .defaultIfEmpty(IngressAnswer.NO_BODY);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private IngressCall call(ServerWebExchange exchange, String requestId, byte[] body) {
        ServerHttpRequest request = exchange.getRequest();
        io.netty.handler.codec.http.HttpMethod method = request.getMethod() == HttpMethod.POST
                ? io.netty.handler.codec.http.HttpMethod.POST : io.netty.handler.codec.http.HttpMethod.GET;
        return new IngressCall(method, pathAndQuery(request), headers(exchange, requestId, body.length), body);
    }

    /** The raw query: the signature covers its parameters, and nothing here needs to decode them. */
    private static String pathAndQuery(ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        return query == null ? PATH : PATH + "?" + query;
    }

    /** Only what the ingress uses or the trace and logs need; hop-by-hop and the caller's other headers stay here. */
    private HttpHeaders headers(ServerWebExchange exchange, String requestId, int contentLength) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = new DefaultHttpHeaders();
        String contentType = request.getHeaders().getFirst(HttpHeaderNames.CONTENT_TYPE.toString());
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        headers.set(EdgeHeaders.REQUEST_ID, requestId);
        InetSocketAddress peer = request.getRemoteAddress();
        if (peer != null && peer.getAddress() != null) {
            headers.set(FORWARDED_FOR, appended(request.getHeaders().get(FORWARDED_FOR), peer.getAddress().getHostAddress()));
        }
        headers.set(FORWARDED_PROTO, appended(request.getHeaders().get(FORWARDED_PROTO), request.getURI().getScheme()));
        trace.inject(exchange, headers, HttpHeaders::set);
        return headers;
    }

    /** As Spring Cloud Gateway's X-Forwarded headers filter writes them: earlier values, then this hop's, by commas. */
    private static String appended(List<String> earlier, String value) {
        return earlier == null || earlier.isEmpty() ? value : String.join(",", earlier) + "," + value;
    }

    private static Mono<Void> write(ServerHttpResponse response, IngressAnswer answer) {
        response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
        if (answer.contentType() != null) {
            response.getHeaders().set(HttpHeaderNames.CONTENT_TYPE.toString(), answer.contentType());
        }
        if (answer.body().length == 0) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(answer.body())));
    }
}
