package dev.wxai.loadtool.ceiling;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The ceiling of the request path: a bare Reactor Netty server that answers every request {@code 200 success}
 * at once (WeChat's "received" answer to {@code POST /wechat}). What the load tool and the machine reach against it
 * is the most any service on the same stack could reach; the services' numbers are read against it.
 */
public final class CeilingServer implements AutoCloseable {

    private static final byte[] SUCCESS = "success".getBytes(StandardCharsets.US_ASCII);

    private final LoopResources loops;
    private final DisposableServer server;

    private CeilingServer(LoopResources loops, DisposableServer server) {
        this.loops = loops;
        this.server = server;
    }

    /** @param threads event loops, one per core for the ceiling; port 0 picks a free one */
    public static CeilingServer start(String host, int port, int threads) {
        LoopResources loops = LoopResources.create("ceiling", threads, true);
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .runOn(loops)
                // The body is read (and released) before answering, as the webhook reads it.
                .handle((request, response) -> request.receive().then(Mono.defer(() -> response
                        .header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(SUCCESS.length))
                        .sendByteArray(Mono.just(SUCCESS))
                        .then())))
                .bindNow();
        return new CeilingServer(loops, server);
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    /** Until the JVM is stopped (Ctrl-C). */
    public void awaitShutdown() {
        server.onDispose().block();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(2));
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
}
