package dev.wxai.worker.delivery;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.common.wechat.Utf8Chunks;
import dev.wxai.common.wechat.api.WechatApiException;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.delivery.ReplyClaims.Final;
import dev.wxai.worker.delivery.ReplyClaims.Takeover;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.wxai.common.tracing.TraceScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Gets a reply to the user by the message's reply mode, marking each step so that a crash never loses track of it.
 * Push: plain text (no Markdown marks), in pieces of at most {@code max-reply-bytes} cut on character boundaries,
 * sent in order, never more pieces than WeChat lets us send for one user message (the last one says the answer was
 * cut). Right before the first piece the claim is confirmed and the state becomes "sending piece 0"; the moment
 * WeChat takes a piece the state moves to the next piece, or to {@code sent}. Passive: the whole text goes to Redis
 * for the ingress, which splits it for passive replies itself.
 *
 * <p>A worker that takes over a dead sender's reply continues it from the piece that was in flight, whose outcome is
 * unknown: {@code on-ambiguous-send} resends it (at least once) or skips it (at most once). Either way
 * {@code wxai_worker_ambiguous_sends_total{policy}} counts it and the log names the msgId.
 */
@Component
public class ReplySender {

    private static final Logger log = LoggerFactory.getLogger(ReplySender.class);
    /**
     * Once WeChat took a piece, recording that must not fail the message: the pipeline's retry would send the piece
     * again (the Redis drill answered 4 of 9,772 messages twice that way). The mark is retried on its own, for about
     * two minutes, while Redis comes back.
     */
    private static final Retry MARK = Retry.backoff(10, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(15));

    private final CustomerServiceSender customerService;
    private final PassiveAnswers passiveAnswers;
    private final ReplyClaims claims;
    private final WorkerProperties properties;
    private final Counter ambiguous;
    private final Timer window;

    ReplySender(CustomerServiceSender customerService, PassiveAnswers passiveAnswers, ReplyClaims claims,
                WorkerProperties properties, MeterRegistry meters) {
        this.customerService = customerService;
        this.passiveAnswers = passiveAnswers;
        this.claims = claims;
        this.properties = properties;
        this.ambiguous = Counter.builder("wxai.worker.ambiguous.sends")
                .tag("policy", properties.onAmbiguousSend().name().toLowerCase(java.util.Locale.ROOT))
                .description("Replies taken over from a worker that died while WeChat may or may not have taken a piece")
                .register(meters);
        this.window = Timer.builder("wxai.worker.send.window")
                .description("From WeChat's answer to a reply piece until the mark that records it: a crash in between "
                        + "leaves the piece's outcome unknown")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * Sends {@code text} as the answer to {@code message} if {@code owner} still holds its claim, remembering
     * {@code turns} in the same step; ends in {@code end}. Nothing is sent when the claim was lost.
     */
    public Mono<Void> send(InboundMessage message, String owner, String text, List<String> turns, Final end) {
        String plain = PlainText.fromMarkdown(text);
        return claims.startSending(message.msgId(), message.openid(), owner, end, plain, turns).flatMap(stillOurs -> {
            if (!stillOurs) {
                log.warn("Lost the claim on message {} before replying; the worker that took it over answers",
                        message.msgId());
                return Mono.<Void>empty();
            }
            return sendFrom(message, owner, plain, 0, end);
        });
    }

    /** Continues a reply another worker (or this one, before a failed send) was sending. */
    public Mono<Void> resume(InboundMessage message, String owner, Takeover takeover) {
        int from = takeover.piece();
        boolean push = !"passive".equals(message.replyMode());
        if (takeover.fromAnother() && push) {
            ambiguous.increment();
            boolean skip = properties.onAmbiguousSend() == WorkerProperties.OnAmbiguousSend.SKIP;
            log.warn("Message {}: took over from a worker that died sending piece {}; WeChat may or may not have taken it, "
                    + "so it is {}", message.msgId(), from, skip ? "skipped (the user may miss it)" : "sent again (the user may read it twice)");
            if (skip) {
                from++;
            }
        }
        return sendFrom(message, owner, takeover.text(), from, takeover.end());
    }

    private Mono<Void> sendFrom(InboundMessage message, String owner, String plain, int from, Final end) {
        if ("passive".equals(message.replyMode())) {
            // Storing the answer again is harmless: the ingress reads it once.
            return passiveAnswers.store(message.msgId(), plain)
                    .then(marked(message, 0, claims.pieceSent(message.msgId(), owner, 0, 1, end, plain))).then();
        }
        List<String> pieces = pieces(plain);
        if (from >= pieces.size()) {
            return marked(message, pieces.size() - 1,
                    claims.pieceSent(message.msgId(), owner, pieces.size() - 1, pieces.size(), end, plain)).then();
        }
        return sendPiece(message, owner, plain, pieces, from, end);
    }

    private Mono<Void> sendPiece(InboundMessage message, String owner, String plain, List<String> pieces, int piece,
                                 Final end) {
        return customerService.sendText(message.openid(), pieces.get(piece))
                .then(Mono.defer(() -> {
                    // Nothing between WeChat's answer and this mark: its delay is the window a crash makes ambiguous.
                    long answered = System.nanoTime();
                    return marked(message, piece, claims.pieceSent(message.msgId(), owner, piece, pieces.size(), end, plain)
                            .doOnNext(marked -> window.record(System.nanoTime() - answered, TimeUnit.NANOSECONDS)));
                }))
                .onErrorResume(WechatApiException.class, error -> {
                    if (!error.isFinal()) {
                        // WeChat refused it: not delivered. The first piece starts over (a retry asks again, as if
                        // nothing was sent); a later one is resent by the retry, from the recorded state.
                        return (piece == 0 ? claims.release(message.msgId()) : Mono.<Void>empty()).then(Mono.<Boolean>error(error));
                    }
                    // No retry can deliver it (outside the 48-hour window, unfollowed, quota used up): done.
                    log.info("WeChat will not take a reply to {} ({}); giving up on it", message.msgId(), error.errcode());
                    return marked(message, piece,
                            claims.pieceSent(message.msgId(), owner, pieces.size() - 1, pieces.size(), end, plain))
                            .map(marked -> false);
                })
                .flatMap(goOn -> goOn && piece + 1 < pieces.size()
                        ? sendPiece(message, owner, plain, pieces, piece + 1, end)
                        : Mono.empty());
    }

    /**
     * A mark after a piece went out, retried on its own ({@link #MARK}); if it still fails, the reply stops here rather
     * than send a piece nobody recorded.
     */
    private Mono<Boolean> marked(InboundMessage message, int piece, Mono<Boolean> mark) {
        return mark.retryWhen(MARK).onErrorResume(error -> TraceScope.logged(() -> log.error(
                "Could not record that piece {} of the reply to message {} went out; a redelivery of it could send it again",
                piece, message.msgId(), error)).thenReturn(false));
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
