package dev.wxai.order.jssdk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The JS-SDK's {@code wx.config} signature: SHA-1 over {@code jsapi_ticket=…&noncestr=…&timestamp=…&url=…} (the four
 * keys in ASCII order, values raw, the url without its {@code #} fragment), in lowercase hex.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (appendix 1)
 */
final class JssdkSignature {

    private JssdkSignature() {
    }

    static String sign(String ticket, String nonceStr, long timestamp, String url) {
        String plain = "jsapi_ticket=" + ticket + "&noncestr=" + nonceStr + "&timestamp=" + timestamp + "&url=" + url;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
