package dev.wxai.ingress.events;

import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.Keys;
import dev.wxai.ingress.config.IngressProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Everything that is answered at once, without the AI: events (follow, unfollow, menu clicks, QR scans) and the
 * message kinds the bot does not read (image, video, location, link, a voice message without a transcript). The answer is a passive reply
 * text, or empty for {@code success}.
 */
@Component
public class EventResponder {

    private static final Logger log = LoggerFactory.getLogger(EventResponder.class);

    private final IngressProperties properties;
    private final ReactiveStringRedisTemplate redis;

    EventResponder(IngressProperties properties, ReactiveStringRedisTemplate redis) {
        this.properties = properties;
        this.redis = redis;
    }

    /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html */
    public Mono<String> onEvent(String openid, String event, String eventKey) {
        String key = eventKey == null ? "" : eventKey;
        return switch (event == null ? "" : event) {
            case "subscribe" -> Mono.just(properties.welcome());
            case "unsubscribe" -> clearConversation(openid).then(Mono.empty());
            case "CLICK" -> properties.resetEventKeys().contains(key)
                    ? clearConversation(openid).thenReturn(properties.resetReply())
                    : Mono.justOrEmpty(configuredReply(key));
            case "SCAN" -> Mono.justOrEmpty(configuredReply(key));
            default -> {
                log.debug("Event {} from {} needs no reply", event, Masking.openid(openid));
                yield Mono.empty();
            }
        };
    }

    /**
     * Image, video, location and link messages, and voice messages WeChat could not transcribe: the bot reads text
     * (and transcribed voice) only, and says so.
     */
    public Mono<String> onUnreadableKind(String openid, String msgType) {
        return switch (msgType) {
            case "voice" -> Mono.just(properties.unheardVoiceReply());
            case "image", "video", "shortvideo", "location", "link" -> Mono.just(properties.textOnlyReply());
            default -> {
                log.info("Unknown message type {} from {}; answered success", msgType, Masking.openid(openid));
                yield Mono.empty();
            }
        };
    }

    private Optional<String> configuredReply(String eventKey) {
        return Optional.ofNullable(properties.eventReplies().get(eventKey));
    }

    /** Forgets the conversation and any answer still owed: an unfollow or a reset starts over. */
    private Mono<Long> clearConversation(String openid) {
        return redis.delete(Keys.session(openid), Keys.pending(openid));
    }
}
