package dev.wxai.ingress.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * What the webhook did, for dashboards and alerts: messages by kind, WeChat's retries dropped, refusals by reason,
 * how long WeChat waited for its answer, and publishes the broker did not take. Names in observability/metrics.txt.
 */
@Component
class WebhookMetrics {

    private static final Set<String> KINDS = Set.of("text", "image", "voice", "video", "shortvideo", "location", "link", "event");

    private final MeterRegistry registry;
    /** One counter per kind, registered once: looking a meter up by name and tags costs allocations per request. */
    private final Map<String, Counter> messages = new HashMap<>();
    private final Counter duplicates;
    private final Counter publishFailures;
    private final Counter throttled;
    private final Timer accepted;
    private final Timer failed;

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : KINDS) {
            messages.put(kind, registry.counter("wxai.ingress.messages", "kind", kind));
        }
        messages.put("other", registry.counter("wxai.ingress.messages", "kind", "other"));
        this.duplicates = Counter.builder("wxai.ingress.duplicates")
                .description("WeChat's repeated deliveries of a message already accepted").register(registry);
        this.publishFailures = Counter.builder("wxai.ingress.publish.failures")
                .description("Messages the broker did not acknowledge in time; WeChat was told to retry").register(registry);
        this.throttled = Counter.builder("wxai.ingress.throttled")
                .description("Deliveries of users over their message rate, answered with the too-fast reply").register(registry);
        this.accepted = ackTimer(registry, "accepted");
        this.failed = ackTimer(registry, "failed");
    }

    private static Timer ackTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("wxai.ingress.ack").description("Time from WeChat's request to our answer")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry);
    }

    void message(String msgType) {
        messages.getOrDefault(msgType == null ? "other" : msgType, messages.get("other")).increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void rejected(String reason) {
        registry.counter("wxai.ingress.rejected", "reason", reason).increment();
    }

    void throttled() {
        throttled.increment();
    }

    void publishFailed() {
        publishFailures.increment();
    }

    /** @param nanos time since the request arrived; a 2xx answer counts as accepted, anything else as failed */
    void answered(boolean successful, long nanos) {
        (successful ? accepted : failed).record(nanos, TimeUnit.NANOSECONDS);
    }
}
