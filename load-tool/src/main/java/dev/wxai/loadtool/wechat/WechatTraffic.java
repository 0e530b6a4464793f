package dev.wxai.loadtool.wechat;

import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.common.wechat.Signatures;
import dev.wxai.loadtool.run.LoadRequest;
import dev.wxai.loadtool.run.Traffic;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Text messages as WeChat's servers deliver them to {@code POST /wechat}: each from a new user with a new MsgId, so
 * that every request takes the full path (signature, dedupe claim, Kafka publish) and no openid reaches the
 * ingress's per-openid rate limit. Signed with the Token ({@code signature = sha1(sort(token, timestamp, nonce))});
 * in safe mode the message is encrypted with the EncodingAESKey and {@code msg_signature} also covers the
 * {@code Encrypt} value.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 *
 * <p>MsgIds and openids carry a random prefix per run: the ingress remembers MsgIds for 5 minutes, and a second
 * run reusing them would measure the (cheaper) duplicate path.
 */
public final class WechatTraffic implements Traffic {

    private static final Map<String, String> XML = Map.of("Content-Type", "text/xml");

    private final String url;
    private final String token;
    private final String toUser;
    private final String content;
    private final MessageCrypto crypto;
    private final long msgIdBase;
    private final String openidPrefix;

    /**
     * @param url     the webhook, e.g. {@code http://127.0.0.1:8080/wechat}
     * @param toUser  the account's original id ({@code ToUserName})
     * @param crypto  null for plaintext mode; otherwise every message is sent in safe mode
     */
    public WechatTraffic(String url, String token, String toUser, String content, MessageCrypto crypto) {
        this(url, token, toUser, content, crypto, newMsgIdBase(), newOpenidPrefix());
    }

    WechatTraffic(String url, String token, String toUser, String content, MessageCrypto crypto, long msgIdBase,
                  String openidPrefix) {
        this.url = url + (url.contains("?") ? "&" : "?");
        this.token = token;
        this.toUser = toUser;
        this.content = content;
        this.crypto = crypto;
        this.msgIdBase = msgIdBase;
        this.openidPrefix = openidPrefix;
    }

    @Override
    public LoadRequest request(long index) {
        String openid = openid(index);
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        String nonce = String.valueOf(ThreadLocalRandom.current().nextInt(100_000_000, Integer.MAX_VALUE));
        String xml = "<xml><ToUserName><![CDATA[" + toUser + "]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>" + timestamp + "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[" + content + "]]></Content><MsgId>" + (msgIdBase + index) + "</MsgId></xml>";
        StringBuilder uri = new StringBuilder(url.length() + 200).append(url)
                .append("signature=").append(Signatures.sign(token, timestamp, nonce))
                .append("&timestamp=").append(timestamp)
                .append("&nonce=").append(nonce)
                .append("&openid=").append(openid);
        String body = xml;
        if (crypto != null) {
            String encrypt = crypto.encrypt(xml);
            uri.append("&encrypt_type=aes&msg_signature=").append(Signatures.sign(token, timestamp, nonce, encrypt));
            body = "<xml><ToUserName><![CDATA[" + toUser + "]]></ToUserName><Encrypt><![CDATA[" + encrypt
                    + "]]></Encrypt></xml>";
        }
        return new LoadRequest(HttpMethod.POST, uri.toString(), XML, body.getBytes(StandardCharsets.UTF_8));
    }

    /** 28 characters like WeChat's: the run's prefix, then the request's number. */
    String openid(long index) {
        String number = Long.toString(index);
        return openidPrefix + "0".repeat(Math.max(0, 28 - openidPrefix.length() - number.length())) + number;
    }

    private static long newMsgIdBase() {
        // 19 digits: a random block of a billion MsgIds per run (one in 8 billion runs share a block), inside a long.
        return new SecureRandom().nextLong(1_000_000_000L, 9_000_000_000L) * 1_000_000_000L;
    }

    private static String newOpenidPrefix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder prefix = new StringBuilder("oLoad");
        for (int i = 0; i < 6; i++) {
            prefix.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return prefix.toString();
    }
}
