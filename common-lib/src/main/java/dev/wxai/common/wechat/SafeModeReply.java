package dev.wxai.common.wechat;

/**
 * Wraps a passive reply for safe mode: the encrypted reply plus a signature WeChat checks with the same token.
 */
public final class SafeModeReply {

    private SafeModeReply() {
    }

    public static String wrap(MessageCrypto crypto, String token, String replyXml, long timestamp, String nonce) {
        String encrypted = crypto.encrypt(replyXml);
        String signature = Signatures.sign(token, String.valueOf(timestamp), nonce, encrypted);
        return "<xml><Encrypt><![CDATA[" + encrypted + "]]></Encrypt><MsgSignature><![CDATA[" + signature
                + "]]></MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce><![CDATA[" + nonce
                + "]]></Nonce></xml>";
    }
}
