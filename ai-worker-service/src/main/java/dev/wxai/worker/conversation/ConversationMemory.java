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
 * kept, the characters sent with a question (oldest dropped first), and a TTL after the last message. The list is
 * read and written inside the reply's own round trips ({@code ReplyClaims}); this class says what goes in and out.
 */
@Component
public class ConversationMemory {

    private final ReactiveStringRedisTemplate redis;
    private final WorkerProperties properties;

    ConversationMemory(ReactiveStringRedisTemplate redis, WorkerProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    /** The most recent of the stored turns (as read from the list), oldest first, that fit the character budget. */
    public List<ChatTurn> recent(List<String> stored) {
        List<ChatTurn> turns = new ArrayList<>(stored.size());
        for (String json : stored) {
            turns.add(EventJson.read(json, ChatTurn.class));
        }
        return withinBudget(turns);
    }

    /** What a question and its answer add to the list; nothing when conversations are not kept. */
    public List<String> turns(String question, String answer) {
        if (properties.sessionTurns() == 0) {
            return List.of();
        }
        return List.of(EventJson.write(new ChatTurn("user", question)), EventJson.write(new ChatTurn("assistant", answer)));
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
