package dev.wxai.worker.inbound;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.worker.budget.ModelBudget;
import dev.wxai.worker.config.DeepSeekProperties;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.conversation.PromptFit;
import dev.wxai.worker.delivery.TypingIndicator;
import dev.wxai.worker.safety.ContentFilter;
import dev.wxai.worker.conversation.ConversationMemory;
import dev.wxai.worker.deepseek.ChatTurn;
import dev.wxai.worker.deepseek.ResilientDeepSeek;
import dev.wxai.worker.delivery.ReplyClaims;
import dev.wxai.worker.delivery.ReplySender;
import dev.wxai.worker.quota.DailyQuota;
import java.time.Duration;
import java.util.List;
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
        // Decided before the claim, from the text alone: commands and refused questions are not charged to the quota.
        Kind kind = isReset(message.content()) ? Kind.RESET
                : filter.questionBlocked(message.content()) ? Kind.BLOCKED : Kind.QUESTION;
        return Mono.defer(() -> claimed(message, record, owner, kind));
    }

    private Mono<Void> claimed(InboundMessage message, ConsumerRecord<String, String> record, String owner, Kind kind) {
        return claims.claim(message.msgId(), message.openid(), owner, kind == Kind.QUESTION).flatMap(claimed -> switch (claimed.claim()) {
            case CLAIMED -> answer(message, record, owner, kind, claimed);
            case SENT -> {
                log.info("Message {} was answered before; skipping its redelivery", message.msgId());
                yield Mono.empty();
            }
            case HELD -> Mono.delay(HELD_POLL).then(Mono.defer(() -> claimed(message, record, owner, kind)));
            // A reply was being sent: finish it, without asking the model again (its answer is in the state).
            case TAKEOVER -> sender.resume(message, owner, claimed.takeover());
        });
    }

    private Mono<Void> answer(InboundMessage message, ConsumerRecord<String, String> record, String owner, Kind kind,
                              ReplyClaims.Claimed claimed) {
        String openid = message.openid();
        return switch (kind) {
            case RESET -> memory.forget(openid).then(replyAndMark(message, owner, replies.reset()));
            case BLOCKED -> {
                log.info("Message {} holds a blocked word; refused without asking the model", message.msgId());
                yield replyAndMark(message, owner, replies.blocked());
            }
            case QUESTION -> quota.allows(openid, claimed.questionsToday(), claimed.cachedEntitlement())
                    .flatMap(allowed -> allowed
                            ? withinBudget(message, record, owner, claimed.storedTurns())
                            : replyAndMark(message, owner, replies.overQuota()));
        };
    }

    /** The account's daily model budget: spent means a polite "busy", no model call, and the question not charged. */
    private Mono<Void> withinBudget(InboundMessage message, ConsumerRecord<String, String> record, String owner,
                                    List<String> storedTurns) {
        return budget.tryTake().flatMap(granted -> granted
                ? askModel(message, record, owner, storedTurns)
                : quota.giveBack(message.openid()).then(replyAndMark(message, owner, replies.busy())));
    }

    private Mono<Void> askModel(InboundMessage message, ConsumerRecord<String, String> record, String owner,
                                List<String> storedTurns) {
        String openid = message.openid();
        String full = message.content();
        boolean cut = full.length() > properties.maxQuestionChars();
        String question = cut ? full.substring(0, properties.maxQuestionChars()) : full;
        List<ChatTurn> history = PromptFit.history(systemPrompt, memory.recent(storedTurns), question, properties.maxPromptChars());
        return typing.whileThinking(message, deepSeek.answer(openid, history, question))
                .map(Optional::of)
                .onErrorResume(error -> quota.giveBack(openid).onErrorResume(giveBackFailed -> Mono.empty())
                        .then(apologize(message, record, owner, error)).thenReturn(Optional.empty()))
                .flatMap(answer -> answer.isEmpty() ? Mono.<Void>empty() : deliverAnswer(message, owner, question, answer.get(), cut))
                .then(TraceScope.logged(() -> log.info("Answered message {} from {}", message.msgId(), Masking.openid(openid))));
    }

    /** An answer with a blocked word never reaches the user, nor the conversation memory: the safe text goes instead. */
    private Mono<Void> deliverAnswer(InboundMessage message, String owner, String question, String answer, boolean cut) {
        if (filter.answerBlocked(answer)) {
            log.warn("The model's answer to message {} holds a blocked word; the safe text was sent instead", message.msgId());
            return replyAndMark(message, owner, replies.unsafe());
        }
        return sender.send(message, owner, cut ? answer + replies.questionCut() : answer, memory.turns(question, answer),
                ReplyClaims.Final.SENT);
    }

    private Mono<Void> apologize(InboundMessage message, ConsumerRecord<String, String> record, String owner,
                                 Throwable error) {
        return TraceScope.logged(() -> log.warn("The model could not answer message {}: {}", message.msgId(), error.toString()))
                .then(sender.send(message, owner, replies.apology(), List.of(), ReplyClaims.Final.APOLOGIZED)
                        .doOnSuccess(sent -> apologies.increment()))
                .then(deadLetters.send(record, error));
    }

    private Mono<Void> replyAndMark(InboundMessage message, String owner, String text) {
        return sender.send(message, owner, text, List.of(), ReplyClaims.Final.SENT);
    }

    private static boolean isReset(String content) {
        return content != null && "/reset".equals(content.strip().toLowerCase(Locale.ROOT));
    }

    /** What the question asks of the pipeline, known from its text before anything is claimed. */
    private enum Kind {
        /** {@code /reset}: forget the conversation. */
        RESET,
        /** A blocked word: refused without the model. */
        BLOCKED,
        /** Asked of the model, charged to the quota. */
        QUESTION
    }
}
