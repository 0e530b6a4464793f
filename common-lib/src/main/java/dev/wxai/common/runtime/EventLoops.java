package dev.wxai.common.runtime;

/**
 * Reactor Netty starts {@code max(cores, 4)} event loops. Our request paths never block, so more loops than cores
 * only add context switches: on 2 cores, 2 loops gave the gateway about a fifth more throughput than 4
 * (bench/RESULTS.md). Called first thing in each service's {@code main}; an explicit
 * {@code -Dreactor.netty.ioWorkerCount} still wins.
 */
public final class EventLoops {

    static final String PROPERTY = "reactor.netty.ioWorkerCount";

    private EventLoops() {
    }

    public static void onePerCore() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
    }
}
