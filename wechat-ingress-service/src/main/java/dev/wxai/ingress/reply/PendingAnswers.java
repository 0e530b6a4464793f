package dev.wxai.ingress.reply;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.wechat.Utf8Chunks;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Duration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Passive mode: answers the user is still owed. A passive reply is limited in size and must come within WeChat's
 * deadline, so an answer that was late, or too long for one reply, waits in Redis ({@code pending:{openid}} names
 * the msgId, {@code answer:{msgId}} holds what is left) until the user's next message collects the next piece.
 */
@Component
public class PendingAnswers {

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final int maxBytes;
    private final String continueTail;

    PendingAnswers(ReactiveStringRedisTemplate redis, IngressProperties properties) {
        this.redis = redis;
        this.ttl = properties.pendingTtl();
        this.maxBytes = properties.passiveReplyMaxBytes();
        this.continueTail = properties.continueTail();
    }

    /**
     * The reply for an answer that is ready: all of it if it fits, otherwise its first piece with the "reply to
     * continue" tail, the rest kept for the user's next message.
     */
    public Mono<String> firstPiece(String openid, String msgId, String answer) {
        if (Utf8Chunks.byteLength(answer) <= maxBytes) {
            return Mono.just(answer);
        }
        String head = Utf8Chunks.head(answer, maxBytes - Utf8Chunks.byteLength(continueTail));
        String rest = answer.substring(head.length());
        return redis.opsForValue().set(Keys.answer(msgId), rest, ttl)
                .then(redis.opsForValue().set(Keys.pending(openid), msgId, ttl))
                .thenReturn(head + continueTail);
    }

    /** Remembers that the user is owed the answer to {@code msgId}, which is not ready yet. */
    public Mono<Void> owe(String openid, String msgId) {
        return redis.opsForValue().set(Keys.pending(openid), msgId, ttl).then();
    }

    /** The next piece the user is owed, if its answer is ready; empty when nothing is owed or it is not ready. */
    public Mono<String> collect(String openid) {
        return redis.opsForValue().get(Keys.pending(openid))
                .flatMap(msgId -> redis.opsForValue().get(Keys.answer(msgId))
                        .flatMap(answer -> redis.delete(Keys.pending(openid)).then(firstPiece(openid, msgId, answer))));
    }
}
