package dev.wxai.worker.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the worker consumes and answers.
 *
 * @param maxInFlight       records being answered at once per pod; fetching pauses at this number
 * @param commitInterval    how often finished offsets are committed
 * @param drainTimeout      on shutdown or when partitions move away: how long in-flight answers may finish
 * @param claimTtl          how long a worker's claim on a message holds; longer than the slowest whole answer
 *                          (model timeout × attempts + sending), so that a live worker never loses it
 * @param deliveredTtl      how long "this message was answered" is remembered
 * @param passiveAnswerTtl  passive mode: how long an answer waits for its delivery to collect it
 * @param sessionTurns      conversation memory: how many recent messages (user and assistant) are kept
 * @param sessionChars      conversation memory: the most characters of history sent with a question
 * @param sessionTtl        conversation memory: forgotten after this long without a message
 * @param freeDailyQuota    questions per day for users without an entitlement
 * @param paidDailyQuota    questions per day for users with an entitlement
 * @param quotaZone         where the day of the daily quota begins and ends
 * @param maxReplyBytes     the longest customer-service message, in UTF-8 bytes
 * @param maxReplyPieces    the most messages one answer may use (WeChat allows 5 within 48 h of a user message)
 * @param maxQuestionChars  a longer question is cut to this many characters (the answer says so)
 * @param maxPromptChars    the whole prompt (system prompt, the conversation so far, the question): older turns are
 *                          left out until it fits
 * @param dailyModelCalls   the account's model calls per day, all workers together; 0 = no ceiling
 * @param typingRenew       push mode: how often "typing" is renewed while the model thinks (0 = never shown)
 * @param typingMaxRenewals the most times it is renewed for one answer
 * @param onAmbiguousSend   what a worker does with a message another worker died sending: WeChat may or may not have
 *                          taken the piece in flight (its API has no idempotency key); {@code resend} it (the user may
 *                          get it twice) or {@code skip} it (the user may not get it)
 */
@Validated
@ConfigurationProperties("wxai.worker")
public record WorkerProperties(
        @Min(1) int maxInFlight,
        @NotNull Duration commitInterval,
        @NotNull Duration drainTimeout,
        @NotNull Duration claimTtl,
        @NotNull Duration deliveredTtl,
        @NotNull Duration passiveAnswerTtl,
        @Min(0) int sessionTurns,
        @Min(0) int sessionChars,
        @NotNull Duration sessionTtl,
        @Min(0) int freeDailyQuota,
        @Min(0) int paidDailyQuota,
        @NotNull ZoneId quotaZone,
        @Min(64) int maxReplyBytes,
        @Min(1) int maxReplyPieces,
        @Min(1) int maxQuestionChars,
        @Min(100) int maxPromptChars,
        @Min(0) long dailyModelCalls,
        @NotNull Duration typingRenew,
        @Min(1) int typingMaxRenewals,
        @NotNull Replies replies,
        @NotNull OnAmbiguousSend onAmbiguousSend) {

    /** At least once ({@code resend}) or at most once ({@code skip}) for the piece a dead worker was sending. */
    public enum OnAmbiguousSend {
        RESEND,
        SKIP
    }

    /**
     * What users read when the answer is not the model's.
     *
     * @param apology    the model could not answer
     * @param overQuota  the daily quota is used up; should say how to upgrade
     * @param reset      after {@code /reset}
     * @param truncated  appended when an answer was longer than the allowed messages
     * @param blocked    a question with a blocked word (the model is not asked)
     * @param unsafe     sent instead of an answer that holds a blocked word
     * @param busy       the account's daily model budget is spent
     * @param questionCut appended to the answer of a question that was cut to {@code max-question-chars}
     */
    public record Replies(@NotBlank String apology, @NotBlank String overQuota, @NotBlank String reset,
                          @NotBlank String truncated, @NotBlank String blocked, @NotBlank String unsafe,
                          @NotBlank String busy, @NotBlank String questionCut) {
    }
}
