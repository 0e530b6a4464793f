package dev.wxai.worker.delivery;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.log.Masking;
import dev.wxai.worker.config.WorkerProperties;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * "正在输入…" while the model thinks, in push mode: {@code Typing} when the call starts, renewed every
 * {@code wxai.worker.typing-renew} (WeChat shows it for about 15 s), stopped when the answer is ready (the message
 * itself ends the indicator on the user's phone). It runs beside the answer, never in front of it: its calls are not
 * awaited, and a failed one is only logged.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html#客服输入状态
 *
 * <p>The renewals of all answers in flight share one sweep, once a second: a timer per answer (a thousand in flight
 * per pod) was an entry added to and removed from the shared scheduler's timer heap for every message, about a tenth
 * of the worker's CPU, for renewals that a 3 s answer never needs.
 */
@Component
public class TypingIndicator {

    private static final Logger log = LoggerFactory.getLogger(TypingIndicator.class);
    private static final Duration SWEEP = Duration.ofSeconds(1);

    private final CustomerServiceSender customerService;
    private final WorkerProperties properties;
    private final Set<Showing> showing = ConcurrentHashMap.newKeySet();
    private final Disposable sweep;

    TypingIndicator(CustomerServiceSender customerService, WorkerProperties properties) {
        this.customerService = customerService;
        this.properties = properties;
        long every = Math.min(SWEEP.toMillis(), Math.max(properties.typingRenew().toMillis(), 100));
        this.sweep = properties.typingRenew().isZero() ? Disposables.disposed()
                : Schedulers.parallel().schedulePeriodically(this::renewDue, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code work} with the indicator shown while it runs. */
    public <T> Mono<T> whileThinking(InboundMessage message, Mono<T> work) {
        if (!"push".equals(message.replyMode()) || properties.typingRenew().isZero()) {
            return work;
        }
        return Mono.defer(() -> {
            Showing shown = new Showing(message.openid(), properties.typingMaxRenewals());
            shown.renew(System.nanoTime());
            showing.add(shown);
            return work.doFinally(signal -> {
                showing.remove(shown);
                shown.stop();
            });
        });
    }

    /** Answers still thinking for longer than {@code typing-renew} since their last "typing" get another one. */
    private void renewDue() {
        long now = System.nanoTime();
        for (Showing shown : showing) {
            if (now - shown.lastShown >= properties.typingRenew().toNanos()) {
                shown.renew(now);
            }
        }
    }

    @PreDestroy
    void stop() {
        sweep.dispose();
    }

    /** One answer's indicator: how many more times it may be shown, and the call in flight (cancelled at the end). */
    private final class Showing {

        private final String openid;
        private int left;
        private volatile long lastShown;
        private volatile Disposable call;
        private volatile boolean stopped;

        Showing(String openid, int times) {
            this.openid = openid;
            this.left = times;
        }

        /** Called by the answer's own thread once, then only by the sweep: never two at a time. */
        void renew(long now) {
            lastShown = now;
            if (left <= 0 || stopped || (call != null && !call.isDisposed())) {
                return; // used up, ended, or the last one still on its way (as one call after another before)
            }
            left--;
            call = customerService.typing(openid).subscribe(done -> { }, error ->
                    log.debug("Typing for {} not shown: {}", Masking.openid(openid), error.toString()));
            if (stopped) {
                call.dispose();
            }
        }

        /** The answer is ready: a "typing" still on its way must not arrive after it and show the indicator again. */
        void stop() {
            stopped = true;
            Disposable inFlight = call;
            if (inFlight != null) {
                inFlight.dispose();
            }
        }
    }
}
