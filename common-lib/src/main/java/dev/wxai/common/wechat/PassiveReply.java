package dev.wxai.common.wechat;

/**
 * Renders a passive text reply: the XML body WeChat shows the user when it answers the webhook call.
 * Values go in CDATA; a {@code ]]>} inside the content is split across two sections so it cannot close one.
 */
public final class PassiveReply {

    private PassiveReply() {
    }

    public static String text(String toUser, String fromUser, long createTime, String content) {
        return "<xml><ToUserName>" + cdata(toUser) + "</ToUserName><FromUserName>" + cdata(fromUser)
                + "</FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content>" + cdata(content) + "</Content></xml>";
    }

    static String cdata(String value) {
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }
}
