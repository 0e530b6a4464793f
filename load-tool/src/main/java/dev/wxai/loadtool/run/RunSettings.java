package dev.wxai.loadtool.run;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param name        what the summary calls the run (the command: wechat, api, notify)
 * @param url         the target, for the summary
 * @param rate        requests per second, spread evenly
 * @param warmup      sent at the same rate before the measurement and left out of it
 * @param duration    the measurement
 * @param connections the most connections open to the target at once; more requests wait for one (and that wait
 *                    counts in their latency)
 * @param timeout     a request unanswered this long after its intended start is an error (its latency is recorded)
 * @param maxInFlight requests started and not yet finished beyond which new ones are dropped and counted as errors,
 *                    so that a dead target cannot exhaust the generator's memory
 * @param ioThreads   the client's event loops
 * @param hgrm        where to write the latency histogram (HdrHistogram percentile distribution, ms), or null
 * @param progress    print a line to stderr every 5 s
 */
public record RunSettings(String name, String url, double rate, Duration warmup, Duration duration, int connections,
                          Duration timeout, int maxInFlight, int ioThreads, Path hgrm, boolean progress) {

    public RunSettings {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be above 0");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be above 0");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup cannot be negative");
        }
        if (connections < 1 || maxInFlight < 1 || ioThreads < 1) {
            throw new IllegalArgumentException("--connections, --max-in-flight and --io-threads must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be above 0");
        }
    }

    /** Every request of the run, warm-up included. */
    public long totalRequests() {
        return warmupRequests() + measuredRequests();
    }

    long warmupRequests() {
        return Math.round(rate * warmup.toNanos() / 1e9);
    }

    long measuredRequests() {
        return Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    }
}
