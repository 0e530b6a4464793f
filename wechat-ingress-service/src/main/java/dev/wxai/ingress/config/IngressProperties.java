package dev.wxai.ingress.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the webhook behaves. Every text a user can see is configurable, in the account's own voice.
 *
 * @param dedupeTtl             how long a delivery key is remembered; WeChat retries for ~15 s, so minutes leave room
 *                              for clock skew and slow retries (WxJava's 10 s default is too short)
 * @param publishTimeout        the longest one publish attempt waits for the broker's ack; a delivery tries again
 *                              while its time lasts
 * @param maxBodySize           larger bodies are refused (413) before they are read whole
 * @param maxClockSkew          requests whose {@code timestamp} is further from now are refused as replays
 * @param answerWithin          a delivery that answers does so within this of its arrival, inside WeChat's 5 s:
 *                              passive mode waits this long for the answer, and WeChat's last delivery publishes
 *                              (or tells the user "still thinking") by then
 * @param hold                  how long WeChat's first and second deliveries are held when their outcome is not known
 *                              yet (no answer, a publish not done, an earlier delivery still publishing): past
 *                              WeChat's 5 s, so that WeChat's own time-out brings the next delivery; never a failure
 *                              status, which WeChat may show the user
 * @param pendingTtl            passive mode: how long an answer the user has not collected yet is kept
 * @param passiveReplyMaxBytes  passive mode: longest reply in UTF-8 bytes; longer answers continue on the next message
 * @param welcome               the reply to a new follower
 * @param textOnlyReply         the reply to images, video, locations and links
 * @param unheardVoiceReply     the reply to a voice message WeChat could not transcribe (no Recognition)
 * @param stillThinkingReply    passive mode: the reply on WeChat's last delivery when the answer is not ready
 * @param continueTail          passive mode: appended to a reply that has more to come
 * @param eventReplies          replies to menu clicks ({@code CLICK}) and QR scans ({@code SCAN}), by EventKey
 * @param resetEventKeys        menu keys that clear the user's conversation
 * @param resetReply            the reply after a conversation was cleared
 * @param userBurst             messages a user may send at once before the rate applies
 * @param userRefill            one more message per this interval after the burst (the per-openid rate)
 * @param tooFastReply          the reply to a user over their rate: nothing of the message is kept
 */
@Validated
@ConfigurationProperties("wxai.ingress")
public record IngressProperties(
        @NotNull Duration dedupeTtl,
        @NotNull Duration publishTimeout,
        @NotNull DataSize maxBodySize,
        @NotNull Duration maxClockSkew,
        @NotNull Duration answerWithin,
        @NotNull Duration hold,
        @NotNull Duration pendingTtl,
        @Min(64) int passiveReplyMaxBytes,
        @NotBlank String welcome,
        @NotBlank String textOnlyReply,
        @NotBlank String unheardVoiceReply,
        @NotBlank String stillThinkingReply,
        @NotBlank String continueTail,
        Map<String, String> eventReplies,
        List<String> resetEventKeys,
        @NotBlank String resetReply,
        @Min(1) int userBurst,
        @NotNull Duration userRefill,
        @NotBlank String tooFastReply) {

    public IngressProperties {
        eventReplies = eventReplies == null ? Map.of() : Map.copyOf(eventReplies);
        resetEventKeys = resetEventKeys == null ? List.of() : List.copyOf(resetEventKeys);
    }
}
