package dev.wxai.testsupport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds requests the way WeChat's servers send them, signed independently of the production code so that a
 * bug in our signature check cannot hide behind the same bug in the test.
 */
public final class WechatRequests {

    private WechatRequests() {
    }

    public static String newOpenid() {
        return "oTest" + UUID.randomUUID().toString().replace("-", "").substring(0, 23);
    }

    public static String newMsgId() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(10_000_000_000_000_000L, Long.MAX_VALUE));
    }

    public static String textXml(String openid, String msgId, String content) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>" + (System.currentTimeMillis() / 1000)
                + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content
                + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
    }

    public static String eventXml(String openid, String event, String eventKey) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>" + (System.currentTimeMillis() / 1000)
                + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event>"
                + (eventKey == null ? "" : "<EventKey><![CDATA[" + eventKey + "]]></EventKey>") + "</xml>";
    }

    public static String imageXml(String openid, String msgId) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>" + (System.currentTimeMillis() / 1000)
                + "</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl>"
                + "<MediaId><![CDATA[media_id]]></MediaId><MsgId>" + msgId + "</MsgId></xml>";
    }

    /**
     * A voice message as WeChat delivers it with speech recognition on: {@code Recognition} is its transcript, empty
     * when WeChat could not make it out.
     * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
     */
    public static String voiceXml(String openid, String msgId, String recognition) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>" + (System.currentTimeMillis() / 1000)
                + "</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId>"
                + "<Format><![CDATA[amr]]></Format><Recognition><![CDATA[" + recognition + "]]></Recognition>"
                + "<MsgId>" + msgId + "</MsgId></xml>";
    }

    /** The query string of a POST: {@code signature, timestamp, nonce, openid}. */
    public static String signedQuery(String token, String openid) {
        return signedQuery(token, openid, System.currentTimeMillis() / 1000);
    }

    public static String signedQuery(String token, String openid, long timestamp) {
        String time = String.valueOf(timestamp);
        String nonce = newNonce();
        return "signature=" + sha1Sorted(token, time, nonce) + "&timestamp=" + time + "&nonce=" + nonce
                + "&openid=" + openid;
    }

    /**
     * The query of a compatible- or safe-mode POST for a body whose {@code Encrypt} value is given:
     * {@code msg_signature} covers it.
     */
    public static String safeModeQuery(String token, String openid, String encrypt) {
        String time = String.valueOf(System.currentTimeMillis() / 1000);
        String nonce = newNonce();
        return "signature=" + sha1Sorted(token, time, nonce) + "&timestamp=" + time + "&nonce=" + nonce
                + "&openid=" + openid + "&encrypt_type=aes&msg_signature=" + sha1Sorted(token, time, nonce, encrypt);
    }

    /** A safe-mode body: only ToUserName and the encrypted message. */
    public static String safeModeXml(String encrypt) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
    }

    private static String newNonce() {
        return String.valueOf(ThreadLocalRandom.current().nextInt(100_000_000, Integer.MAX_VALUE));
    }

    public static String sha1Sorted(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
