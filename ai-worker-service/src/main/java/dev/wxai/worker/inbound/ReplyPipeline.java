package dev.wxai.worker.inbound;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.common.wechat.api.WechatApiException;
import dev.wxai.worker.budget.ModelBudget;
import dev.wxai.worker.config.DeepSeekProperties;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.conversation.PromptFit;
import dev.wxai.worker.delivery.TypingIndicator;
import dev.wxai.worker.safety.ContentFilter;
import dev.wxai.worker.conversation.ConversationMemory;
import dev.wxai.worker.deepseek.ResilientDeepSeek;
import dev.wxai.worker.delivery.ReplyClaims;
import dev.wxai.worker.delivery.ReplySender;
import dev.wxai.worker.quota.DailyQuota;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One inbound question (a text, or a transcribed voice message): claim it, check the command, the content filter,
 * the user's quota and the account's daily model budget, ask the model with the conversation so far (the question
 * cut to its cap, the prompt fitted to its own), show "typing" meanwhile, check the answer, send it, remember it.
 * When the model cannot answer (retries spent and no fallback, circuit open, a refused request) the user gets a
 * short apology, the question is not charged to the quota, and the record goes to the dead-letter topic.
 */
@Component
class ReplyPipeline {

    private static final Logger log = LoggerFactory.getLogger(ReplyPipeline.class);

    /** How often a message another worker holds is checked; it is answered or its claim expires. */
    private static final Duration HELD_POLL = Duration.ofSeconds(1);
    /**
     * Once a reply went out, recording that must not fail the message: the retry of the whole pipeline would send
     * the reply again (the Redis drill answered 4 of 9,772 messages twice that way). The mark is retried on its own,
     * for about two minutes, while Redis comes back.
     */
    private static final Retry MARK = Retry.backoff(10, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(15));

    private final ReplyClaims claims;
    private final DailyQuota quota;
    private final ConversationMemory memory;
    private final ResilientDeepSeek deepSeek;
    private final ReplySender sender;
    private final DeadLetters deadLetters;
    private final ContentFilter filter;
    private final ModelBudget budget;
    private final TypingIndicator typing;
    private final WorkerProperties properties;
    private final String systemPrompt;
    private final WorkerProperties.Replies replies;
    private final Counter apologies;

    ReplyPipeline(ReplyClaims claims, DailyQuota quota, ConversationMemory memory, ResilientDeepSeek deepSeek,
                  ReplySender sender, DeadLetters deadLetters, ContentFilter filter, ModelBudget budget, TypingIndicator typing,
                  WorkerProperties properties, DeepSeekProperties deepSeekProperties, MeterRegistry meters) {
        this.claims = claims;
        this.quota = quota;
        this.memory = memory;
        this.deepSeek = deepSeek;
        this.sender = sender;
        this.deadLetters = deadLetters;
        this.filter = filter;
        this.budget = budget;
        this.typing = typing;
        this.properties = properties;
        this.systemPrompt = deepSeekProperties.systemPrompt();
        this.replies = properties.replies();
        // Apologies are also counted as sent by the sender; this says how many of those the model did not write.
        this.apologies = meters.counter("wxai.replies", "outcome", "apology", "errcode", "0");
    }

    Mono<Void> handle(InboundMessage message, ConsumerRecord<String, String> record) {
        if (!message.isQuestion()) {
            return Mono.empty();
        }
        String owner = UUID.randomUUID().toString();
        return Mono.defer(() -> claimed(message, record, owner));
    }

    private Mono<Void> claimed(InboundMessage message, ConsumerRecord<String, String> record, String owner) {
        return claims.claim(message.msgId(), owner).flatMap(claim -> switch (claim) {
            case CLAIMED -> answer(message, record, owner);
            case SENT -> {
                log.info("Message {} was answered before; skipping its redelivery", message.msgId());
                yield Mono.empty();
            }
            case HELD -> Mono.delay(HELD_POLL).then(Mono.defer(() -> claimed(message, record, owner)));
        });
    }

    private Mono<Void> answer(InboundMessage message, ConsumerRecord<String, String> record, String owner) {
        String openid = message.openid();
        if (isReset(message.content())) {
            return memory.forget(openid).then(replyAndMark(message, owner, replies.reset()));
        }
        if (filter.questionBlocked(message.content())) {
            log.info("Message {} holds a blocked word; refused without asking the model", message.msgId());
            return replyAndMark(message, owner, replies.blocked());
        }
        return quota.tryConsume(openid).flatMap(allowed -> allowed
                ? withinBudget(message, record, owner)
                : replyAndMark(message, owner, replies.overQuota()));
    }

    /** The account's daily model budget: spent means a polite "busy", no model call, and the question not charged. */
    private Mono<Void> withinBudget(InboundMessage message, ConsumerRecord<String, String> record, String owner) {
        return budget.tryTake().flatMap(granted -> granted
                ? askModel(message, record, owner)
                : quota.giveBack(message.openid()).then(replyAndMark(message, owner, replies.busy())));
    }

    private Mono<Void> askModel(InboundMessage message, ConsumerRecord<String, String> record, String owner) {
        String openid = message.openid();
        String full = message.content();
        boolean cut = full.length() > properties.maxQuestionChars();
        String question = cut ? full.substring(0, properties.maxQuestionChars()) : full;
        return memory.recent(openid)
                .map(history -> PromptFit.history(systemPrompt, history, question, properties.maxPromptChars()))
                .flatMap(history -> typing.whileThinking(message, deepSeek.answer(openid, history, question))
                        .map(Optional::of)
                        .onErrorResume(error -> quota.giveBack(openid).onErrorResume(giveBackFailed -> Mono.empty())
                                .then(apologize(message, record, owner, error)).thenReturn(Optional.empty())))
                .flatMap(answer -> answer.isEmpty() ? Mono.<Void>empty() : deliverAnswer(message, owner, question, answer.get(), cut))
                .then(TraceScope.logged(() -> log.info("Answered message {} from {}", message.msgId(), Masking.openid(openid))));
    }

    /** An answer with a blocked word never reaches the user, nor the conversation memory: the safe text goes instead. */
    private Mono<Void> deliverAnswer(InboundMessage message, String owner, String question, String answer, boolean cut) {
        if (filter.answerBlocked(answer)) {
            log.warn("The model's answer to message {} holds a blocked word; the safe text was sent instead", message.msgId());
            return replyAndMark(message, owner, replies.unsafe());
        }
        return memory.remember(message.openid(), question, answer)
                .then(replyAndMark(message, owner, cut ? answer + replies.questionCut() : answer));
    }

    private Mono<Void> apologize(InboundMessage message, ConsumerRecord<String, String> record, String owner,
                                 Throwable error) {
        return TraceScope.logged(() -> log.warn("The model could not answer message {}: {}", message.msgId(), error.toString()))
                .then(whileClaimed(message, owner, deliver(message, replies.apology())
                        .doOnSuccess(sent -> apologies.increment())
                        .then(marked(claims.markApologized(message.msgId()), message.msgId()))
                        .then(deadLetters.send(record, error))));
    }

    private Mono<Void> replyAndMark(InboundMessage message, String owner, String text) {
        return whileClaimed(message, owner, deliver(message, text).then(marked(claims.markSent(message.msgId()), message.msgId())));
    }

    private Mono<Void> marked(Mono<Void> mark, String msgId) {
        return mark.retryWhen(MARK).onErrorResume(error -> TraceScope.logged(() -> log.error(
                "Could not record that message {} was answered; a redelivery of it could be answered again", msgId, error)));
    }

    /** Sends only if the claim is still ours: a claim that expired (a very slow answer) was taken over. */
    private Mono<Void> whileClaimed(InboundMessage message, String owner, Mono<Void> send) {
        return claims.confirm(message.msgId(), owner).flatMap(stillOurs -> {
            if (!stillOurs) {
                log.warn("Lost the claim on message {} before replying; the worker that took it over answers",
                        message.msgId());
                return Mono.<Void>empty();
            }
            return send;
        });
    }

    /**
     * Sends, treating WeChat's final refusals (outside the 48-hour window, unfollowed, quota used up) as done: no
     * retry can deliver them. Other delivery failures release the claim and go up for a retry.
     */
    private Mono<Void> deliver(InboundMessage message, String text) {
        return sender.send(message, text)
                .onErrorResume(WechatApiException.class, error -> {
                    if (error.isFinal()) {
                        log.info("WeChat will not take a reply to {} ({}); giving up on it", message.msgId(), error.errcode());
                        return Mono.empty();
                    }
                    return claims.release(message.msgId()).then(Mono.error(error));
                });
    }

    private static boolean isReset(String content) {
        return content != null && "/reset".equals(content.strip().toLowerCase(Locale.ROOT));
    }
}
