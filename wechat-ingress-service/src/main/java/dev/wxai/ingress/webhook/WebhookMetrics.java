package dev.wxai.ingress.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
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
    private final Counter unpublished;
    private final Map<Hold, Counter> holds = new EnumMap<>(Hold.class);
    private final Timer accepted;
    private final Timer failed;
    private final Timer heldTimer;

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : KINDS) {
            messages.put(kind, registry.counter("wxai.ingress.messages", "kind", kind));
        }
        messages.put("other", registry.counter("wxai.ingress.messages", "kind", "other"));
        this.duplicates = Counter.builder("wxai.ingress.duplicates")
                .description("WeChat's repeated deliveries of a message already accepted").register(registry);
        this.publishFailures = Counter.builder("wxai.ingress.publish.failures")
                .description("Deliveries whose publish the broker did not acknowledge within their time; WeChat's next "
                        + "delivery tries again").register(registry);
        this.unpublished = Counter.builder("wxai.ingress.unpublished")
                .description("Messages not published by WeChat's last delivery: answered with a failure, which WeChat may "
                        + "show the user").register(registry);
        for (Hold hold : Hold.values()) {
            holds.put(hold, Counter.builder("wxai.ingress.holds").tag("reason", hold.tag)
                    .description("Deliveries held past WeChat's deadline so that WeChat delivers again").register(registry));
        }
        this.throttled = Counter.builder("wxai.ingress.throttled")
                .description("Deliveries of users over their message rate, answered with the too-fast reply").register(registry);
        this.accepted = ackTimer(registry, "accepted");
        this.failed = ackTimer(registry, "failed");
        this.heldTimer = ackTimer(registry, "held");
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

    void unpublished() {
        unpublished.increment();
    }

    void held(Hold reason) {
        holds.get(reason).increment();
    }

    /**
     * @param nanos time since the request arrived; a 2xx answer counts as accepted, the end of a hold as held,
     *              anything else as failed
     */
    void answered(boolean successful, boolean held, long nanos) {
        (successful ? accepted : held ? heldTimer : failed).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Why a delivery was held: {@code wxai_ingress_holds_total{reason}}. */
    enum Hold {
        /** Passive mode: the answer was not ready within the delivery's time. */
        NO_ANSWER("no_answer"),
        /** The broker had not acknowledged the message (or an earlier delivery was still publishing it). */
        NOT_PUBLISHED("not_published");

        private final String tag;

        Hold(String tag) {
            this.tag = tag;
        }
    }
}
