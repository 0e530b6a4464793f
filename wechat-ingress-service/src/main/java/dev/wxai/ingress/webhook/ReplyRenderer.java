package dev.wxai.ingress.webhook;

import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.common.wechat.PassiveReply;
import dev.wxai.common.wechat.SafeModeReply;
import dev.wxai.ingress.config.SafeMode;
import dev.wxai.ingress.config.WechatProperties;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The bodies WeChat understands: {@code success}, a passive text reply (encrypted when the delivery was), errors. */
@Component
class ReplyRenderer {

    static final String SUCCESS = "success";
    static final String REPLAYED = "replayed_signature";
    /** On the answer that ends a hold; the gateway does not pass it on. */
    static final String HELD_HEADER = "X-Wxai-Held";
    private static final MediaType TEXT_XML = new MediaType("text", "xml", StandardCharsets.UTF_8);

    private final WechatProperties wechat;
    private final SafeMode safeMode;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ReplyRenderer(WechatProperties wechat, SafeMode safeMode, Clock clock) {
        this.wechat = wechat;
        this.safeMode = safeMode;
        this.clock = clock;
    }

    /** WeChat shows nothing and does not retry. */
    Mono<ServerResponse> success() {
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(SUCCESS);
    }

    Mono<ServerResponse> text(Delivery delivery, String content) {
        long now = clock.millis() / 1000;
        WechatMessage message = delivery.message();
        String xml = PassiveReply.text(message.openid(), message.accountId(), now, content);
        if (delivery.encrypted()) {
            MessageCrypto crypto = safeMode.crypto().orElseThrow();
            xml = SafeModeReply.wrap(crypto, wechat.token(), xml, now, String.valueOf(random.nextInt(1_000_000_000)));
        }
        return ServerResponse.ok().contentType(TEXT_XML).bodyValue(xml);
    }

    /**
     * The end of a hold, past WeChat's deadline: WeChat has hung up and delivers again on its own. Should anyone
     * still be listening, it is not {@code success} (the outcome is still open); {@link #HELD_HEADER} tells the
     * gateway and the metrics that this was a deliberate hold, not a failure.
     */
    Mono<ServerResponse> held() {
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header(HELD_HEADER, "true")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", "held", "message", "held past WeChat's deadline so that WeChat delivers again"));
    }

    /** A failure: WeChat delivers again at once, and after its last delivery may show the user an error. */
    Mono<ServerResponse> retryLater(String code, String message) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, code, message);
    }

    /** A signed query seen before with another body: someone is replaying what they captured. */
    Mono<ServerResponse> replayed() {
        return error(HttpStatus.FORBIDDEN, REPLAYED, "this signed query was already used with another body");
    }

    Mono<ServerResponse> rejected(RejectedDelivery rejection) {
        return error(rejection.status(), rejection.code(), rejection.getMessage());
    }

    Mono<ServerResponse> error(HttpStatus status, String code, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", code, "message", message));
    }
}
