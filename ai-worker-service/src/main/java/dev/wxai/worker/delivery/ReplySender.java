package dev.wxai.worker.delivery;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.common.wechat.Utf8Chunks;
import dev.wxai.worker.config.WorkerProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gets a reply to the user by the message's reply mode. Push: plain text (no Markdown marks), in pieces of at most
 * {@code max-reply-bytes} cut on character boundaries, sent in order, never more pieces than WeChat lets us send
 * for one user message (the last one says the answer was cut). Passive: the whole text goes to Redis for the
 * ingress, which splits it for passive replies itself.
 */
@Component
public class ReplySender {

    private final CustomerServiceSender customerService;
    private final PassiveAnswers passiveAnswers;
    private final WorkerProperties properties;

    ReplySender(CustomerServiceSender customerService, PassiveAnswers passiveAnswers, WorkerProperties properties) {
        this.customerService = customerService;
        this.passiveAnswers = passiveAnswers;
        this.properties = properties;
    }

    public Mono<Void> send(InboundMessage message, String text) {
        String plain = PlainText.fromMarkdown(text);
        if ("passive".equals(message.replyMode())) {
            return passiveAnswers.store(message.msgId(), plain);
        }
        return Flux.fromIterable(pieces(plain))
                .concatMap(piece -> customerService.sendText(message.openid(), piece))
                .then();
    }

    List<String> pieces(String text) {
        List<String> pieces = Utf8Chunks.split(text, properties.maxReplyBytes());
        if (pieces.size() <= properties.maxReplyPieces()) {
            return pieces;
        }
        List<String> kept = new ArrayList<>(pieces.subList(0, properties.maxReplyPieces()));
        String tail = properties.replies().truncated();
        int last = kept.size() - 1;
        kept.set(last, Utf8Chunks.head(kept.get(last), properties.maxReplyBytes() - Utf8Chunks.byteLength(tail)) + tail);
        return kept;
    }
}
