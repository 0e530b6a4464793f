package dev.wxai.order.schedule;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a reactive pass every interval, one pass at a time (a slow pass delays the next instead of overlapping it),
 * from start-up to shutdown. A failed pass is logged and the next one runs as usual.
 */
public final class PeriodicRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicRunner.class);

    private final String name;
    private final Duration interval;
    private final Supplier<Mono<?>> pass;
    private volatile Disposable loop;

    public PeriodicRunner(String name, Duration interval, Supplier<Mono<?>> pass) {
        this.name = name;
        this.interval = interval;
        this.pass = pass;
    }

    @Override
    public void start() {
        loop = Flux.interval(interval)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.defer(pass).then()
                        .onErrorResume(error -> {
                            log.warn("{} pass failed ({}); the next pass tries again", name, error.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable current = loop;
        return current != null && !current.isDisposed();
    }
}
