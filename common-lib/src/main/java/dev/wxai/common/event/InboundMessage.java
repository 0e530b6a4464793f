package dev.wxai.common.event;

/**
 * A WeChat message or event as the ingress publishes it to {@link Topics#INBOUND}, keyed by {@code openid}.
 *
 * @param v           schema version; consumers refuse versions they do not know
 * @param msgId       WeChat's MsgId for messages; for events the dedupe key (events carry no MsgId)
 * @param kind        {@code text}, {@code voice} (content: WeChat's own transcript, {@code Recognition}), {@code event},
 *                    or the WeChat MsgType of other messages
 * @param createTime  WeChat's CreateTime, seconds since the epoch
 * @param receivedAt  when the ingress accepted it, milliseconds since the epoch
 * @param replyMode   {@code push} or {@code passive}, as the ingress was configured when it accepted it
 */
public record InboundMessage(
        int v,
        String msgId,
        String openid,
        String appId,
        String kind,
        String content,
        String event,
        String eventKey,
        long createTime,
        long receivedAt,
        String replyMode) {

    public static final int VERSION = 1;

    public boolean isText() {
        return "text".equals(kind);
    }

    /** A question for the model: a text, or a voice message WeChat transcribed. */
    public boolean isQuestion() {
        return isText() || ("voice".equals(kind) && content != null && !content.isBlank());
    }
}
