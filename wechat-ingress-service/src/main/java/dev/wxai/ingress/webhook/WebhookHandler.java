package dev.wxai.ingress.webhook;

import dev.wxai.ingress.admission.DeliveryGate;
import dev.wxai.ingress.config.IngressProperties;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.ingress.events.EventResponder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * WeChat's webhook: the URL check ({@code GET}) and message deliveries ({@code POST}).
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 *
 * <p>Every request is decoded and verified before anything is stored or published; a refused one changes
 * nothing. Text goes to the AI ({@link TextMessageFlow}); events and other kinds are answered at once.
 */
@Component
class WebhookHandler {

    private final DeliveryDecoder decoder;
    private final TextMessageFlow textMessages;
    private final EventResponder events;
    private final ReplyRenderer replies;
    private final WebhookMetrics metrics;
    private final DeliveryGate gate;
    private final String wechatAppId;
    private final String tooFastReply;
    private final int maxBodyBytes;

    WebhookHandler(DeliveryDecoder decoder, TextMessageFlow textMessages, EventResponder events,
                   ReplyRenderer replies, WebhookMetrics metrics, IngressProperties properties, DeliveryGate gate,
                   WechatProperties wechat) {
        this.decoder = decoder;
        this.textMessages = textMessages;
        this.events = events;
        this.replies = replies;
        this.metrics = metrics;
        this.gate = gate;
        this.wechatAppId = wechat.appId();
        this.tooFastReply = properties.tooFastReply();
        this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
    }

    Mono<ServerResponse> verifyUrl(ServerRequest request) {
        try {
            decoder.verifyUrlCheck(request.queryParams());
        } catch (RejectedDelivery rejection) {
            return replies.rejected(rejection);
        }
        String echostr = request.queryParam("echostr").orElse("");
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(echostr);
    }

    Mono<ServerResponse> receive(ServerRequest request) {
        long started = System.nanoTime();
        Mono<ServerResponse> response = request.headers().contentLength().orElse(0) > maxBodyBytes
                ? tooLarge()
                : boundedBody(request)
                        .map(body -> decoder.decode(request.queryParams(), body))
                        .flatMap(delivery -> respond(delivery, started))
                        .onErrorResume(RejectedDelivery.class, rejection -> {
                            metrics.rejected(rejection.code());
                            return replies.rejected(rejection);
                        })
                        .onErrorResume(DataBufferLimitException.class, e -> tooLarge());
        return response.doOnNext(answer -> metrics.answered(answer.statusCode().is2xxSuccessful(),
                answer.headers().containsHeader(ReplyRenderer.HELD_HEADER), System.nanoTime() - started));
    }

    /**
     * One admission per delivery (replay, dedupe for text, the user's rate), then the answer. Events and media are
     * answered at once and never published, so they have no dedupe key.
     */
    private Mono<ServerResponse> respond(Delivery delivery, long arrived) {
        WechatMessage message = delivery.message();
        metrics.message(message.msgType());
        String dedupeKey = message.isQuestion() ? message.deliveryKey() : null;
        return gate.admit(wechatAppId, delivery.signature(), delivery.bodyDigest(), message.openid(), dedupeKey)
                .flatMap(admission -> switch (admission.verdict()) {
                    case REPLAYED -> {
                        metrics.rejected(ReplyRenderer.REPLAYED);
                        yield replies.replayed();
                    }
                    case THROTTLED -> throttled(delivery);
                    default -> message.isQuestion() ? textMessages.accept(delivery, admission, arrived) : answerAtOnce(delivery);
                });
    }

    /**
     * Over the rate: a message is answered with the too-fast text (a passive reply, which WeChat shows and never
     * retries), an event with {@code success}; nothing of either is kept.
     */
    private Mono<ServerResponse> throttled(Delivery delivery) {
        metrics.throttled();
        return delivery.message().isQuestion() ? replies.text(delivery, tooFastReply) : replies.success();
    }

    private Mono<ServerResponse> answerAtOnce(Delivery delivery) {
        WechatMessage message = delivery.message();
        Mono<String> reply = message.isEvent()
                ? events.onEvent(message.openid(), message.event(), message.eventKey())
                : events.onUnreadableKind(message.openid(), message.msgType());
        return reply.flatMap(text -> replies.text(delivery, text)).switchIfEmpty(Mono.defer(replies::success));
    }

    /** Reads at most the configured number of bytes; a chunked body that grows past it fails without being kept. */
    private Mono<String> boundedBody(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxBodyBytes)
                .map(WebhookHandler::utf8)
                .defaultIfEmpty("");
    }

    private static String utf8(DataBuffer buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private Mono<ServerResponse> tooLarge() {
        metrics.rejected("body_too_large");
        return replies.error(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large",
                "the body exceeds " + maxBodyBytes + " bytes");
    }
}
