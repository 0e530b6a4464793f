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

    /** The query string of a POST: {@code signature, timestamp, nonce, openid}. */
    public static String signedQuery(String token, String openid) {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        String nonce = String.valueOf(ThreadLocalRandom.current().nextInt(100_000_000, Integer.MAX_VALUE));
        return "signature=" + sha1Sorted(token, timestamp, nonce) + "&timestamp=" + timestamp + "&nonce=" + nonce
                + "&openid=" + openid;
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
