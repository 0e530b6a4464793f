package dev.wxai.order.internal;

import dev.wxai.order.config.InternalProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunctions;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A second HTTP server, on {@code wxai.internal.port}, for the other services only. Its routes
 * ({@link InternalRoutes}) are not the public application's: nothing the gateway forwards to port 8083 can reach
 * them, and they do not pass through the public port's security chain, sessions or CSRF.
 */
@Component
class InternalServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InternalServer.class);

    private final InternalProperties properties;
    private final InternalRoutes routes;
    private volatile DisposableServer server;

    InternalServer(InternalProperties properties, InternalRoutes routes) {
        this.properties = properties;
        this.routes = routes;
    }

    @Override
    public void start() {
        // bindNow blocks until the port is bound, on the starting thread, once: a port already taken fails start-up.
        server = HttpServer.create().port(properties.port())
                .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes.routes())))
                .bindNow();
        log.info("Internal API on port {}", server.port());
    }

    @Override
    public void stop() {
        DisposableServer current = server;
        if (current != null) {
            current.disposeNow();
        }
    }

    @Override
    public boolean isRunning() {
        DisposableServer current = server;
        return current != null && !current.isDisposed();
    }
}
