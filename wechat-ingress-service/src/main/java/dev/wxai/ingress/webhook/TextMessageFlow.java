package dev.wxai.ingress.webhook;

import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.ingress.admission.DeliveryGate;
import dev.wxai.ingress.admission.DeliveryGate.Admission;
import dev.wxai.ingress.config.IngressProperties;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.ingress.publish.InboundPublisher;
import dev.wxai.ingress.reply.PassiveReplyWaiter;
import dev.wxai.ingress.reply.PendingAnswers;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A text message for the AI, in either reply mode, answered by WeChat's delivery rules (README, "What WeChat is
 * answered"): WeChat delivers a message up to three times, again whenever it gets no HTTP 200 within 5 s, and at
 * once after a failure status, which it may also show the user as 「该公众号提供的服务出现故障」. So no delivery is
 * ever answered with a failure while its outcome is still open: deliveries 1 and 2 are held past WeChat's deadline
 * ({@code wxai.ingress.hold}) and WeChat's own time-out brings the next one; the last delivery answers within
 * {@code answer-within}.
 *
 * <p>Push: publish once (whichever replica gets which delivery), then {@code success}; the worker answers through
 * the customer-service API. Passive: publish once, then every delivery waits for the answer and replies with it; the
 * last one without an answer tells the user to send anything to collect it. A broker that does not answer is tried
 * again within each delivery's time, so the three deliveries together ride out ~15 s of outage; {@code success} is
 * never said of a message the broker has not acknowledged.
 */
@Component
class TextMessageFlow {

    private static final Logger log = LoggerFactory.getLogger(TextMessageFlow.class);

    /** WeChat's first delivery plus two retries. */
    static final int LAST_DELIVERY = 3;
    /** How often a delivery that found an earlier one still publishing looks again. */
    private static final Duration PUBLISH_POLL = Duration.ofMillis(100);

    private final WechatProperties wechat;
    private final IngressProperties properties;
    private final DeliveryGate gate;
    private final InboundPublisher publisher;
    private final PassiveReplyWaiter waiter;
    private final PendingAnswers pending;
    private final ReplyRenderer replies;
    private final WebhookMetrics metrics;
    private final Clock clock;

    TextMessageFlow(WechatProperties wechat, IngressProperties properties, DeliveryGate gate,
                    InboundPublisher publisher, PassiveReplyWaiter waiter, PendingAnswers pending,
                    ReplyRenderer replies, WebhookMetrics metrics, Clock clock) {
        this.wechat = wechat;
        this.properties = properties;
        this.gate = gate;
        this.publisher = publisher;
        this.waiter = waiter;
        this.pending = pending;
        this.replies = replies;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param admission what the admission script decided (FIRST, IN_PROGRESS or ALREADY_PUBLISHED) and which delivery
     *                  this is
     * @param arrived   {@link System#nanoTime()} when the delivery arrived
     */
    Mono<ServerResponse> accept(Delivery delivery, Admission admission, long arrived) {
        Window window = Window.of(arrived, admission.delivery(), properties);
        return wechat.passive() ? passive(delivery, admission, window) : push(delivery, admission, window);
    }

    private Mono<ServerResponse> push(Delivery delivery, Admission admission, Window window) {
        return switch (admission.verdict()) {
            case FIRST -> publishOrRelease(delivery, window.publishBy())
                    .flatMap(published -> published ? replies.success() : notPublished(delivery, window));
            case ALREADY_PUBLISHED -> duplicate(replies.success());
            default -> duplicate(afterEarlierDelivery(delivery, window, replies::success));
        };
    }

    private Mono<ServerResponse> passive(Delivery delivery, Admission admission, Window window) {
        WechatMessage message = delivery.message();
        String key = message.deliveryKey();
        return switch (admission.verdict()) {
            case FIRST -> pending.collect(message.openid())
                    .flatMap(owed -> {
                        // This message collects an earlier answer; it is not itself sent to the AI.
                        log.info("Handed a pending answer to {}", Masking.openid(message.openid()));
                        return gate.markPublished(wechat.appId(), key).then(replies.text(delivery, owed));
                    })
                    .switchIfEmpty(Mono.defer(() -> publishOrRelease(delivery, window.publishBy())
                            .flatMap(published -> published ? awaitAnswer(delivery, window) : notPublished(delivery, window))));
            case ALREADY_PUBLISHED -> duplicate(awaitAnswer(delivery, window));
            default -> duplicate(afterEarlierDelivery(delivery, window, () -> awaitAnswer(delivery, window)));
        };
    }

    /**
     * An earlier delivery of this message is still publishing it (WeChat delivered again while that one was held):
     * wait for its outcome. Published: answer as any later delivery would. Given up (its claim released): publish
     * here. Still publishing when this delivery's time is up: held, or on the last delivery, failed.
     */
    private Mono<ServerResponse> afterEarlierDelivery(Delivery delivery, Window window,
                                                      Supplier<Mono<ServerResponse>> whenPublished) {
        String key = delivery.message().deliveryKey();
        return gate.publishState(wechat.appId(), key).flatMap(state -> switch (state) {
            case PUBLISHED -> whenPublished.get();
            case CLAIMED -> publishOrRelease(delivery, window.publishBy())
                    .flatMap(published -> published ? whenPublished.get() : notPublished(delivery, window));
            case PENDING -> window.left(window.publishBy()).compareTo(PUBLISH_POLL) > 0
                    ? Mono.delay(PUBLISH_POLL).then(Mono.defer(() -> afterEarlierDelivery(delivery, window, whenPublished)))
                    : notPublished(delivery, window);
        });
    }

    /**
     * Publishes the message, trying again until {@code deadline}, and marks its delivery key published; when it
     * could not, releases the claim so that WeChat's next delivery publishes afresh. The work runs to its end even if
     * WeChat hangs up meanwhile (a delivery held past 5 s usually is hung up on): a claim left pending would keep
     * the next deliveries waiting for nothing.
     *
     * @return whether the broker acknowledged the record
     */
    private Mono<Boolean> publishOrRelease(Delivery delivery, long deadline) {
        WechatMessage message = delivery.message();
        String key = message.deliveryKey();
        Mono<Boolean> publish = publisher.publish(message.toEvent(wechat.appId(), wechat.replyMode(), clock.millis()), deadline)
                .then(gate.markPublished(wechat.appId(), key))
                .thenReturn(true)
                .onErrorResume(error -> {
                    metrics.publishFailed();
                    return TraceScope.logged(() -> log.warn("Could not publish message {} within its delivery: {}; "
                                    + "WeChat's next delivery tries again", key, error.toString()))
                            .then(gate.release(wechat.appId(), key).onErrorResume(releaseError -> Mono.empty()))
                            .thenReturn(false);
                });
        // Subscribed once, apart from the HTTP exchange, with the request's context (the trace goes with the record).
        return Mono.deferContextual(context -> Mono.fromFuture(publish.contextWrite(context).toFuture(), true));
    }

    /**
     * Passive mode: the answer if it comes within {@code answer-within}; else, on the last delivery, "still
     * thinking" (the user's next message collects it), and on the others a hold, so that WeChat delivers again. A
     * delivery past WeChat's deadline never replies with the answer: WeChat has hung up on it, and the next
     * delivery, already waiting, takes the answer.
     */
    private Mono<ServerResponse> awaitAnswer(Delivery delivery, Window window) {
        WechatMessage message = delivery.message();
        String msgId = message.deliveryKey();
        return waiter.await(msgId, window.left(window.answerBy()))
                .flatMap(answer -> pending.firstPiece(message.openid(), msgId, answer))
                .flatMap(reply -> replies.text(delivery, reply))
                .switchIfEmpty(Mono.defer(() -> window.last()
                        ? pending.owe(message.openid(), msgId).then(replies.text(delivery, properties.stillThinkingReply()))
                        : hold(window, WebhookMetrics.Hold.NO_ANSWER)));
    }

    /**
     * The message is not in Kafka and this delivery's time is up. Deliveries 1 and 2 are held (WeChat's time-out
     * brings the next one, which tries again); on the last one this is the single case that fails, and is counted.
     */
    private Mono<ServerResponse> notPublished(Delivery delivery, Window window) {
        if (!window.last()) {
            return hold(window, WebhookMetrics.Hold.NOT_PUBLISHED);
        }
        metrics.unpublished();
        log.error("Message {} could not be published by WeChat's last delivery; WeChat shows the user an error",
                delivery.message().deliveryKey());
        return replies.retryLater("unavailable", "the message could not be queued by WeChat's last delivery");
    }

    /** Silence until the hold ends (or WeChat hangs up), then an answer nobody should be reading any more. */
    private Mono<ServerResponse> hold(Window window, WebhookMetrics.Hold reason) {
        metrics.held(reason);
        return Mono.delay(window.left(window.holdUntil())).then(replies.held());
    }

    /** A delivery of a message already accepted: WeChat's retry, dropped (not published again). */
    private <T> Mono<T> duplicate(Mono<T> answer) {
        metrics.duplicate();
        return answer;
    }

    /**
     * One delivery's times, as {@link System#nanoTime()} values: by when it answers if it can ({@code answer-within}
     * after it arrived, inside WeChat's 5 s), and until when it is held if it cannot ({@code hold}; on the last
     * delivery, nothing is held).
     */
    record Window(long answerBy, long holdUntil, boolean last) {

        static Window of(long arrived, int delivery, IngressProperties properties) {
            boolean last = delivery >= LAST_DELIVERY;
            long answerBy = arrived + properties.answerWithin().toNanos();
            return new Window(answerBy, last ? answerBy : arrived + properties.hold().toNanos(), last);
        }

        /** Publishing goes on while the delivery may still answer or hold. */
        long publishBy() {
            return holdUntil;
        }

        Duration left(long until) {
            return Duration.ofNanos(Math.max(0, until - System.nanoTime()));
        }
    }
}
