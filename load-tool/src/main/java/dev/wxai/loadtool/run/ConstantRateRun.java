package dev.wxai.loadtool.run;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * An open-model load run: requests start at a constant rate, each at its own intended time
 * ({@code start + i / rate}), whether or not earlier ones have been answered. A closed-model tool (wrk, a fixed
 * number of users each waiting for its answer) sends less when the target slows down, so the requests that would
 * have queued are never sent and never measured ("coordinated omission"); here they are sent, and each latency runs
 * from the intended start, so a stall, a full connection pool or a late scheduler shows in the percentiles.
 *
 * <p>One thread schedules; requests go round-robin to one Reactor Netty client per event loop, each with its share
 * of the connections; latencies go to an HdrHistogram {@link Recorder} (1 µs to 60 s, 3 significant digits).
 */
public final class ConstantRateRun {

    private static final long HIGHEST_MICROS = 60_000_000;
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    private final RunSettings settings;
    private final Traffic traffic;
    private final PrintStream log;

    public ConstantRateRun(RunSettings settings, Traffic traffic, PrintStream log) {
        this.settings = settings;
        this.traffic = traffic;
        this.log = log;
    }

    public Summary run() throws InterruptedException {
        PoolGauge gauge = new PoolGauge();
        List<Lane> lanes = new ArrayList<>();
        try {
            int count = Math.min(settings.ioThreads(), settings.connections());
            for (int lane = 0; lane < count; lane++) {
                int connections = settings.connections() / count + (lane < settings.connections() % count ? 1 : 0);
                lanes.add(Lane.open(lane, connections, settings.timeout(), gauge));
            }
            Summary summary = new Execution(lanes.stream().map(Lane::client).toArray(HttpClient[]::new), gauge).run();
            if (settings.hgrm() != null) {
                writeHistogram(summary.latency());
            }
            return summary;
        } finally {
            lanes.forEach(Lane::close);
        }
    }

    /**
     * One event loop with its own connection pool and client. Reactor Netty's client put every connection of a
     * shared pool on one event loop (seen with 1.3.6, colocation off too), so the tool makes the spread itself:
     * requests go round-robin over the lanes.
     */
    private record Lane(LoopResources loops, ConnectionProvider pool, HttpClient client) {

        static Lane open(int index, int connections, Duration timeout, PoolGauge gauge) {
            LoopResources loops = LoopResources.create("load-tool-" + index, 1, true);
            ConnectionProvider pool = ConnectionProvider.builder("load-tool-" + index)
                    .maxConnections(connections)
                    // Unbounded and without its own timeout: a request waiting for a connection is still a request
                    // of the run, and its wait counts in its latency; the run's --timeout ends it like any other.
                    .pendingAcquireMaxCount(-1)
                    .pendingAcquireTimeout(Duration.ofDays(1))
                    .metrics(true, () -> gauge)
                    .build();
            HttpClient client = HttpClient.create(pool)
                    .runOn(loops)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .compress(false)
                    .followRedirect(false);
            // Event loop, native transport and resolver ready before the clock starts (not the connections: the
            // warm-up opens them).
            client.warmup().block(Duration.ofSeconds(10));
            return new Lane(loops, pool, client);
        }

        void close() {
            pool.disposeLater().block(Duration.ofSeconds(5));
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
        }
    }

    private void writeHistogram(Histogram latency) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(settings.hgrm()), false, "UTF-8")) {
            // Microseconds recorded, milliseconds written: what HdrHistogram's plotter expects of a .hgrm file.
            latency.outputPercentileDistribution(out, 5, 1000.0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + settings.hgrm(), e);
        }
    }

    /** The pool's own counts, read by the scheduler: how many requests wait for a connection. */
    private static final class PoolGauge implements ConnectionProvider.MeterRegistrar {

        private final List<ConnectionPoolMetrics> pools = new CopyOnWriteArrayList<>();

        @Override
        public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
            pools.add(metrics);
        }

        int pendingAcquires() {
            int pending = 0;
            for (ConnectionPoolMetrics metrics : pools) {
                pending += metrics.pendingAcquireSize();
            }
            return pending;
        }
    }

    /** The state of one run. */
    private final class Execution {

        private final HttpClient[] clients;
        private final PoolGauge gauge;
        private final long warmupRequests = settings.warmupRequests();
        private final long total = settings.totalRequests();
        private final double nanosPerRequest = 1e9 / settings.rate();
        private final Recorder latency = new Recorder(1, HIGHEST_MICROS, 3);
        private final Recorder sendLag = new Recorder(1, HIGHEST_MICROS, 3);
        private final AtomicLongArray statuses = new AtomicLongArray(600);
        private final LongAdder sent = new LongAdder();
        private final LongAdder completed = new LongAdder();
        private final LongAdder completedInWindow = new LongAdder();
        private final LongAdder connectErrors = new LongAdder();
        private final LongAdder timeouts = new LongAdder();
        private final LongAdder ioErrors = new LongAdder();
        private final LongAdder dropped = new LongAdder();
        private final LongAdder warmupErrors = new LongAdder();
        private final Map<String, Boolean> errorsShown = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicLong inFlight = new AtomicLong();
        private final CountDownLatch finished = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, total));
        private long peakInFlight;
        private long peakPending;
        private long start;
        private long windowStart;
        private long windowEnd;

        Execution(HttpClient[] clients, PoolGauge gauge) {
            this.clients = clients;
            this.gauge = gauge;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a run can send at most " + Integer.MAX_VALUE + " requests");
            }
        }

        Summary run() throws InterruptedException {
            log.printf("[load] %s %s: %.0f/s for %s after a %s warm-up (%d requests), %d connections%n",
                    settings.name(), settings.url(), settings.rate(), seconds(settings.duration()),
                    seconds(settings.warmup()), total, settings.connections());
            start = System.nanoTime() + 10_000_000;
            windowStart = start + settings.warmup().toNanos();
            windowEnd = windowStart + settings.duration().toNanos();
            long nextProgress = start + PROGRESS_NANOS;
            for (long i = 0; i < total; i++) {
                long intended = start + Math.round(i * nanosPerRequest);
                long now = System.nanoTime();
                // Parking overshoots by tens of microseconds; a late request still counts from its intended start,
                // and the scheduler catches up by sending the requests that are due one after another.
                while (now < intended) {
                    LockSupport.parkNanos(intended - now);
                    now = System.nanoTime();
                }
                send(i, intended, now);
                if (settings.progress() && now >= nextProgress) {
                    nextProgress += PROGRESS_NANOS;
                    progress(now);
                }
            }
            Duration patience = settings.timeout().plusSeconds(10);
            if (!finished.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                log.printf("[load] %d requests still open %s after the last was sent%n", inFlight.get(), seconds(patience));
            }
            return summary();
        }

        private void send(long index, long intended, long now) {
            boolean measured = index >= warmupRequests;
            if (measured) {
                sendLag.recordValue(micros(now - intended));
            }
            if (inFlight.get() >= settings.maxInFlight()) {
                (measured ? dropped : warmupErrors).increment();
                showOnce("dropped", "requests are dropped: " + settings.maxInFlight() + " in flight (--max-in-flight)");
                finished.countDown();
                return;
            }
            long current = inFlight.incrementAndGet();
            peakInFlight = Math.max(peakInFlight, current);
            peakPending = Math.max(peakPending, gauge.pendingAcquires());
            if (measured) {
                sent.increment();
            }
            exchange(clients[(int) (index % clients.length)], traffic.request(index))
                    .timeout(settings.timeout())
                    .subscribe(status -> answered(status, intended, measured), error -> failed(error, intended, measured));
        }

        private Mono<Integer> exchange(HttpClient client, LoadRequest request) {
            HttpClient.RequestSender sender = client.request(request.method()).uri(request.uri());
            HttpClient.ResponseReceiver<?> receiver = request.body() == null && request.headers().isEmpty() ? sender
                    : sender.send((out, outbound) -> {
                        request.headers().forEach(out::header);
                        if (request.body() == null) {
                            return outbound;
                        }
                        out.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(request.body().length));
                        return outbound.sendByteArray(Mono.just(request.body()));
                    });
            // The latency ends with the response's last byte: the body is read (and released) before it counts.
            return receiver.response((response, body) -> body.then(Mono.just(response.status().code()))).next()
                    .switchIfEmpty(Mono.error(() -> new IOException("the connection ended without a response")));
        }

        private void answered(int status, long intended, boolean measured) {
            long end = System.nanoTime();
            if (measured) {
                latency.recordValue(micros(end - intended));
                statuses.incrementAndGet(Math.min(Math.max(status, 0), 599));
                completed.increment();
            }
            if (end >= windowStart && end < windowEnd) {
                completedInWindow.increment();
            }
            done();
        }

        private void failed(Throwable error, long intended, boolean measured) {
            long end = System.nanoTime();
            if (!measured) {
                warmupErrors.increment();
            } else if (error instanceof TimeoutException) {
                // Unanswered after --timeout: its latency is at least that, and leaving it out would flatter the run.
                latency.recordValue(micros(end - intended));
                timeouts.increment();
            } else if (error instanceof ConnectException || error instanceof UnknownHostException) {
                connectErrors.increment();
            } else {
                ioErrors.increment();
            }
            showOnce(error.getClass().getName(), "request failed: " + error);
            done();
        }

        private void done() {
            inFlight.decrementAndGet();
            finished.countDown();
        }

        private void showOnce(String kind, String message) {
            if (errorsShown.putIfAbsent(kind, Boolean.TRUE) == null) {
                log.println("[load] " + message + " (shown once)");
            }
        }

        private void progress(long now) {
            log.printf("[load] %3.0f s: sent %d, answered %d, in flight %d, waiting for a connection %d, errors %d%n",
                    (now - start) / 1e9, sent.sum(), completed.sum(), inFlight.get(), gauge.pendingAcquires(),
                    connectErrors.sum() + timeouts.sum() + ioErrors.sum() + dropped.sum());
        }

        private Summary summary() {
            SortedMap<Integer, Long> byStatus = new TreeMap<>();
            for (int status = 0; status < statuses.length(); status++) {
                if (statuses.get(status) > 0) {
                    byStatus.put(status, statuses.get(status));
                }
            }
            Map<String, Long> errors = new LinkedHashMap<>();
            errors.put("connect", connectErrors.sum());
            errors.put("timeout", timeouts.sum());
            errors.put("io", ioErrors.sum());
            errors.put("dropped", dropped.sum());
            long unanswered = Math.max(0, sent.sum() - completed.sum() - connectErrors.sum() - timeouts.sum() - ioErrors.sum());
            return new Summary(settings.name(), settings.url(), settings.rate(), settings.warmup().toMillis() / 1000.0,
                    settings.duration().toMillis() / 1000.0, settings.connections(), sent.sum(), completed.sum(),
                    completedInWindow.sum() / (settings.duration().toNanos() / 1e9), byStatus, errors, unanswered,
                    latency.getIntervalHistogram(), sendLag.getIntervalHistogram(), peakInFlight, peakPending,
                    warmupErrors.sum());
        }
    }

    private static long micros(long nanos) {
        return Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1000));
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }
}
