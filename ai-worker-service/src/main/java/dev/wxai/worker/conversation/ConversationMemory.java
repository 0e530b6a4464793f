package dev.wxai.worker.conversation;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.deepseek.ChatTurn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each user's recent conversation, kept in Redis ({@code session:{openid}}, a list of turns) so that any worker
 * can answer the user's next message with the context of the last ones. Bounded three ways: the number of turns
 * kept, the characters sent with a question (oldest dropped first), and a TTL after the last message.
 */
@Component
public class ConversationMemory {

    private final ReactiveStringRedisTemplate redis;
    private final WorkerProperties properties;

    ConversationMemory(ReactiveStringRedisTemplate redis, WorkerProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    /** The most recent turns, oldest first, that fit the character budget. */
    public Mono<List<ChatTurn>> recent(String openid) {
        return redis.opsForList().range(Keys.session(openid), 0, -1)
                .map(json -> EventJson.read(json, ChatTurn.class))
                .collectList()
                .map(this::withinBudget);
    }

    public Mono<Void> remember(String openid, String question, String answer) {
        if (properties.sessionTurns() == 0) {
            return Mono.empty();
        }
        String key = Keys.session(openid);
        return redis.opsForList().rightPushAll(key,
                        EventJson.write(new ChatTurn("user", question)), EventJson.write(new ChatTurn("assistant", answer)))
                .then(redis.opsForList().trim(key, -properties.sessionTurns(), -1))
                .then(redis.expire(key, properties.sessionTtl()))
                .then();
    }

    public Mono<Void> forget(String openid) {
        return redis.delete(Keys.session(openid)).then();
    }

    private List<ChatTurn> withinBudget(List<ChatTurn> turns) {
        List<ChatTurn> kept = new ArrayList<>();
        int chars = 0;
        for (int i = turns.size() - 1; i >= 0; i--) {
            chars += turns.get(i).content().length();
            if (chars > properties.sessionChars()) {
                break;
            }
            kept.add(turns.get(i));
        }
        Collections.reverse(kept);
        // A conversation sent to the model starts with the user, never with a dangling assistant turn.
        while (!kept.isEmpty() && !"user".equals(kept.get(0).role())) {
            kept.remove(0);
        }
        return kept;
    }
}
