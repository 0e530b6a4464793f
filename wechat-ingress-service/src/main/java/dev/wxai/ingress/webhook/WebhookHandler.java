package dev.wxai.ingress.webhook;

import dev.wxai.common.log.Masking;
import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.InboundXmlException;
import dev.wxai.common.wechat.Signatures;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.ingress.dedupe.DuplicateFilter;
import dev.wxai.ingress.publish.InboundPublisher;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * WeChat's webhook: the URL check ({@code GET}) and message deliveries ({@code POST}).
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 *
 * <p>A delivery is answered {@code success} only after its record is safe in Kafka (or was already, for a
 * retry). Anything else makes WeChat retry, which is what we want while the broker is unavailable.
 */
@Component
class WebhookHandler {

    private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
    static final String SUCCESS = "success";

    private final WechatProperties wechat;
    private final DuplicateFilter duplicates;
    private final InboundPublisher publisher;
    private final Clock clock;

    WebhookHandler(WechatProperties wechat, DuplicateFilter duplicates, InboundPublisher publisher) {
        this.wechat = wechat;
        this.duplicates = duplicates;
        this.publisher = publisher;
        this.clock = Clock.systemUTC();
    }

    Mono<ServerResponse> verifyUrl(ServerRequest request) {
        if (!hasValidSignature(request)) {
            return rejected(HttpStatus.FORBIDDEN, "invalid_signature", "signature does not match the token");
        }
        String echostr = request.queryParam("echostr").orElse("");
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(echostr);
    }

    Mono<ServerResponse> receive(ServerRequest request) {
        if (!hasValidSignature(request)) {
            return rejected(HttpStatus.FORBIDDEN, "invalid_signature", "signature does not match the token");
        }
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                .map(body -> WechatMessage.of(InboundXml.parse(body)))
                .flatMap(message -> checkOpenid(request, message))
                .flatMap(this::accept)
                .onErrorResume(InboundXmlException.class,
                        e -> rejected(HttpStatus.BAD_REQUEST, "malformed_message", e.getMessage()))
                .onErrorResume(DataBufferLimitException.class,
                        e -> rejected(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large", "the body exceeds the size limit"));
    }

    private Mono<WechatMessage> checkOpenid(ServerRequest request, WechatMessage message) {
        // The openid query parameter is covered by no signature, but a mismatch means the request was tampered with.
        return request.queryParam("openid")
                .filter(openid -> !openid.equals(message.openid()))
                .<Mono<WechatMessage>>map(openid -> Mono.error(new InboundXmlException("openid does not match FromUserName")))
                .orElseGet(() -> Mono.just(message));
    }

    private Mono<ServerResponse> accept(WechatMessage message) {
        if (!message.isText()) {
            // Events and media messages are handled in a later step; WeChat must not retry them meanwhile.
            log.info("Answered {} from {} without processing", message.msgType(), Masking.openid(message.openid()));
            return success();
        }
        String appId = wechat.appId();
        String key = message.deliveryKey();
        return duplicates.claim(appId, key).flatMap(delivery -> switch (delivery) {
            case FIRST -> publisher.publish(message.toEvent(appId, wechat.replyMode(), clock.millis()))
                    .then(duplicates.markPublished(appId, key))
                    .then(success())
                    .onErrorResume(error -> publishFailed(appId, key, error));
            case ALREADY_PUBLISHED -> success();
            case IN_PROGRESS -> rejected(HttpStatus.SERVICE_UNAVAILABLE, "in_progress",
                    "an earlier delivery of this message is still being accepted");
        });
    }

    private Mono<ServerResponse> publishFailed(String appId, String key, Throwable error) {
        log.warn("Could not publish message {}: {}; WeChat will retry", key, error.toString());
        return duplicates.release(appId, key)
                .onErrorResume(releaseError -> Mono.empty())
                .then(rejected(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the message could not be queued; retry"));
    }

    private boolean hasValidSignature(ServerRequest request) {
        return Signatures.matches(request.queryParam("signature").orElse(null), wechat.token(),
                request.queryParam("timestamp").orElse(null), request.queryParam("nonce").orElse(null));
    }

    private static Mono<ServerResponse> success() {
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(SUCCESS);
    }

    private static Mono<ServerResponse> rejected(HttpStatus status, String error, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", error, "message", message));
    }
}
