package dev.wxai.ingress.webhook;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.wechat.InboundXmlException;
import java.util.Map;

/** The fields of one decoded WeChat delivery, with the rules for what identifies it. */
record WechatMessage(Map<String, String> fields) {

    static WechatMessage of(Map<String, String> fields) {
        WechatMessage message = new WechatMessage(fields);
        message.require("ToUserName");
        message.require("FromUserName");
        message.require("MsgType");
        message.createTime();
        if (!message.isEvent()) {
            message.require("MsgId");
        }
        return message;
    }

    String openid() {
        return fields.get("FromUserName");
    }

    /** The Official Account's original id ({@code gh_…}); passive replies come from it. */
    String accountId() {
        return fields.get("ToUserName");
    }

    String msgType() {
        return fields.get("MsgType");
    }

    boolean isEvent() {
        return "event".equals(msgType());
    }

    boolean isText() {
        return "text".equals(msgType());
    }

    /**
     * A question for the AI: a text, or a voice message WeChat transcribed ({@code Recognition}, present when the
     * account has speech recognition on). A voice message without a transcript is not one.
     */
    boolean isQuestion() {
        return isText() || ("voice".equals(msgType()) && !recognition().isBlank());
    }

    boolean isVoice() {
        return "voice".equals(msgType());
    }

    /** WeChat's transcript of a voice message; empty when it has none. */
    String recognition() {
        String recognition = fields.get("Recognition");
        return recognition == null ? "" : recognition.strip();
    }

    String event() {
        return fields.get("Event");
    }

    String eventKey() {
        return fields.get("EventKey");
    }

    long createTime() {
        try {
            return Long.parseLong(require("CreateTime").trim());
        } catch (NumberFormatException e) {
            throw new InboundXmlException("CreateTime is not a number");
        }
    }

    /**
     * What WeChat's retries of this delivery have in common: the MsgId for messages; events have none, so
     * FromUserName + CreateTime + Event + EventKey.
     */
    String deliveryKey() {
        if (!isEvent()) {
            return fields.get("MsgId");
        }
        return openid() + ":" + createTime() + ":" + fields.getOrDefault("Event", "") + ":"
                + fields.getOrDefault("EventKey", "");
    }

    InboundMessage toEvent(String appId, String replyMode, long receivedAt) {
        return new InboundMessage(InboundMessage.VERSION, deliveryKey(), openid(), appId,
                isEvent() ? "event" : msgType(), isVoice() ? recognition() : fields.get("Content"), fields.get("Event"),
                fields.get("EventKey"),
                createTime(), receivedAt, replyMode);
    }

    private String require(String field) {
        String value = fields.get(field);
        if (value == null || value.isBlank()) {
            throw new InboundXmlException(field + " is missing");
        }
        return value;
    }
}
