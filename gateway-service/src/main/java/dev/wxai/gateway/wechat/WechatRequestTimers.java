package dev.wxai.gateway.wechat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.stereotype.Component;

/**
 * {@code wxai_gateway_wechat_requests_seconds{status}}: every {@code /wechat} request the gateway answered, by HTTP
 * status, from its arrival to the answer. It stands in for {@code spring_cloud_gateway_requests_seconds{routeId="wechat"}},
 * which ended with the lean path. One timer per status, registered at its first use and then kept: a registry lookup
 * per request (building a meter id, hashing its tags) would cost more than the rest of the bookkeeping.
 */
@Component
class WechatRequestTimers {

    static final String NAME = "wxai.gateway.wechat.requests";
    private static final int OTHER = 0;

    private final MeterRegistry meters;
    private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(600);

    WechatRequestTimers(MeterRegistry meters) {
        this.meters = meters;
        timer(200); // the usual answer is on the dashboards from the start
    }

    void record(int status, long nanos) {
        timer(status).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(int status) {
        int slot = status >= 100 && status < byStatus.length() ? status : OTHER;
        Timer timer = byStatus.get(slot);
        if (timer == null) {
            // Two threads may register the same status at once: the registry hands both the same timer.
            timer = Timer.builder(NAME)
                    .description("Requests to /wechat answered by the gateway, by HTTP status")
                    .tag("status", slot == OTHER ? "other" : Integer.toString(slot))
                    .register(meters);
            byStatus.set(slot, timer);
        }
        return timer;
    }
}
