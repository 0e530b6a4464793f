package dev.wxai.ingress.webhook;

import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.ingress.config.IngressProperties;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.ingress.admission.DeliveryGate;
import dev.wxai.ingress.admission.DeliveryGate.Verdict;
import dev.wxai.ingress.publish.InboundPublisher;
import dev.wxai.ingress.reply.PassiveReplyWaiter;
import dev.wxai.ingress.reply.PendingAnswers;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A text message for the AI, in either reply mode.
 *
 * <p>Push: publish once (whichever replica gets which delivery), then {@code success}; the worker answers through
 * the customer-service API. Passive: publish once, then hold every delivery until the answer exists and reply with
 * it; WeChat delivers a message at most three times, so the third delivery without an answer tells the user to
 * send anything to collect it.
 */
@Component
class TextMessageFlow {

    private static final Logger log = LoggerFactory.getLogger(TextMessageFlow.class);

    /** WeChat's first delivery plus two retries. */
    static final int LAST_DELIVERY = 3;

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

    /** @param verdict what the admission script decided: FIRST, IN_PROGRESS or ALREADY_PUBLISHED */
    Mono<ServerResponse> accept(Delivery delivery, Verdict verdict) {
        return wechat.passive() ? passive(delivery, verdict) : push(delivery, verdict);
    }

    private Mono<ServerResponse> push(Delivery delivery, Verdict verdict) {
        return switch (verdict) {
            case FIRST -> publishOrRelease(delivery).flatMap(published -> published ? replies.success() : notQueued());
            case ALREADY_PUBLISHED -> duplicate(replies.success());
            default -> duplicate(inProgress());
        };
    }

    private Mono<ServerResponse> passive(Delivery delivery, Verdict verdict) {
        WechatMessage message = delivery.message();
        String key = message.deliveryKey();
        return switch (verdict) {
            case FIRST -> pending.collect(message.openid())
                    .flatMap(owed -> {
                        // This message collects an earlier answer; it is not itself sent to the AI.
                        log.info("Handed a pending answer to {}", Masking.openid(message.openid()));
                        return gate.markPublished(wechat.appId(), key).then(replies.text(delivery, owed));
                    })
                    .switchIfEmpty(Mono.defer(() -> publishOrRelease(delivery)
                            .flatMap(published -> published ? awaitAnswer(delivery) : notQueued())));
            case ALREADY_PUBLISHED -> duplicate(awaitAnswer(delivery));
            default -> duplicate(inProgress());
        };
    }

    /**
     * Publishes the message and marks its delivery key published; on failure releases the claim so that WeChat's
     * next delivery publishes afresh.
     *
     * @return whether the broker acknowledged the record
     */
    private Mono<Boolean> publishOrRelease(Delivery delivery) {
        WechatMessage message = delivery.message();
        String key = message.deliveryKey();
        return publisher.publish(message.toEvent(wechat.appId(), wechat.replyMode(), clock.millis()))
                .then(gate.markPublished(wechat.appId(), key))
                .thenReturn(true)
                .onErrorResume(error -> {
                    metrics.publishFailed();
                    return TraceScope.logged(() -> log.warn("Could not publish message {}: {}; WeChat will retry", key, error.toString()))
                            .then(gate.release(wechat.appId(), key).onErrorResume(releaseError -> Mono.empty()))
                            .thenReturn(false);
                });
    }

    private Mono<ServerResponse> awaitAnswer(Delivery delivery) {
        WechatMessage message = delivery.message();
        String msgId = message.deliveryKey();
        return gate.countDelivery(wechat.appId(), msgId).flatMap(deliveryNumber -> waiter
                .await(msgId, properties.passiveWait())
                .flatMap(answer -> pending.firstPiece(message.openid(), msgId, answer))
                .flatMap(reply -> replies.text(delivery, reply))
                .switchIfEmpty(Mono.defer(() -> deliveryNumber >= LAST_DELIVERY
                        ? pending.owe(message.openid(), msgId).then(replies.text(delivery, properties.stillThinkingReply()))
                        : replies.retryLater("not_ready", "the answer is not ready; WeChat will deliver again"))));
    }

    /** A delivery of a message already accepted: WeChat's retry, dropped (not published again). */
    private <T> Mono<T> duplicate(Mono<T> answer) {
        metrics.duplicate();
        return answer;
    }

    private Mono<ServerResponse> inProgress() {
        return replies.retryLater("in_progress", "an earlier delivery of this message is still being accepted");
    }

    private Mono<ServerResponse> notQueued() {
        return replies.retryLater("unavailable", "the message could not be queued; retry");
    }

}
