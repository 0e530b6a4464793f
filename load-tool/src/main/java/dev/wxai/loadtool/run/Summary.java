package dev.wxai.loadtool.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a run measured. Counts and latencies cover the requests whose intended start fell after the warm-up; a
 * latency runs from that intended start to the end of the response.
 *
 * @param sent               measured requests started (not dropped)
 * @param completed          measured requests answered, whatever the status
 * @param achievedRate       responses (any status) that ended inside the measurement window, per second
 * @param statuses           measured responses by HTTP status
 * @param errors             measured requests without an answer: {@code connect} (refused, unresolvable), {@code timeout}, {@code io}
 *                           (reset, closed), {@code dropped} (over --max-in-flight)
 * @param unanswered         measured requests still open when the tool gave up waiting (should be 0)
 * @param latency            of the answered and the timed-out measured requests, in microseconds
 * @param sendLag            how late the scheduler started each measured request, in microseconds (the
 *                           generator's own jitter; already part of every latency)
 * @param peakInFlight       the most requests started and not finished at once
 * @param peakPendingAcquire the most requests waiting for a connection at once (the pool was the limit)
 * @param warmupErrors       warm-up requests without an answer (not in {@code errors})
 */
public record Summary(String name, String url, double targetRate, double warmupSeconds, double durationSeconds,
                      int connections, long sent, long completed, double achievedRate, SortedMap<Integer, Long> statuses,
                      Map<String, Long> errors, long unanswered, Histogram latency, Histogram sendLag,
                      long peakInFlight, long peakPendingAcquire, long warmupErrors) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double percentileMs(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : ms(latency.getValueAtPercentile(percentile));
    }

    public double maxMs() {
        return latency.getTotalCount() == 0 ? 0 : ms(latency.getMaxValue());
    }

    /** One line of JSON, the machine-readable result. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("url", url);
        json.put("targetRate", targetRate);
        json.put("achievedRate", round(achievedRate));
        json.put("warmupS", warmupSeconds);
        json.put("durationS", durationSeconds);
        json.put("connections", connections);
        json.put("sent", sent);
        json.put("completed", completed);
        json.put("statuses", statuses);
        json.put("errors", errors);
        json.put("unanswered", unanswered);
        json.put("p50Ms", percentileMs(50));
        json.put("p90Ms", percentileMs(90));
        json.put("p99Ms", percentileMs(99));
        json.put("p999Ms", percentileMs(99.9));
        json.put("maxMs", maxMs());
        json.put("meanMs", latency.getTotalCount() == 0 ? 0 : round(latency.getMean() / 1000));
        json.put("peakInFlight", peakInFlight);
        json.put("peakPendingAcquire", peakPendingAcquire);
        json.put("sendLagP99Ms", sendLag.getTotalCount() == 0 ? 0 : ms(sendLag.getValueAtPercentile(99)));
        json.put("sendLagMaxMs", sendLag.getTotalCount() == 0 ? 0 : ms(sendLag.getMaxValue()));
        json.put("warmupErrors", warmupErrors);
        return JSON.writeValueAsString(json);
    }

    /** The same for a person. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s %s: target %.0f/s, achieved %.1f/s; sent %d, answered %d %s, errors %s%s; latency p50 %.2f ms,"
                        + " p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f; peak in flight %d, waiting for a connection %d",
                name, url, targetRate, achievedRate, sent, completed, statuses, errors,
                unanswered == 0 ? "" : ", UNANSWERED " + unanswered, percentileMs(50), percentileMs(90),
                percentileMs(99), percentileMs(99.9), maxMs(), peakInFlight, peakPendingAcquire);
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
