package dev.wxai.common.pay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Authorization} header of a WeChat Pay v3 request:
 * {@code WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"}, the
 * signature covering {@code METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n}.
 */
public record PayAuthorization(String mchid, String nonce, String timestamp, String serialNo, String signature) {

    public static final String SCHEME = "WECHATPAY2-SHA256-RSA2048";
    private static final Pattern FIELD = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    public String header() {
        return SCHEME + " mchid=\"" + mchid + "\",nonce_str=\"" + nonce + "\",timestamp=\"" + timestamp
                + "\",serial_no=\"" + serialNo + "\",signature=\"" + signature + "\"";
    }

    public static String signedMessage(String method, String pathAndQuery, String timestamp, String nonce, String body) {
        return PayCrypto.message(method, pathAndQuery, timestamp, nonce, body == null ? "" : body);
    }

    /** Parses a header; null when it is not one. */
    public static PayAuthorization parse(String header) {
        if (header == null || !header.startsWith(SCHEME + " ")) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(header.substring(SCHEME.length() + 1));
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2));
        }
        if (!fields.keySet().containsAll(java.util.List.of("mchid", "nonce_str", "timestamp", "serial_no", "signature"))) {
            return null;
        }
        return new PayAuthorization(fields.get("mchid"), fields.get("nonce_str"), fields.get("timestamp"),
                fields.get("serial_no"), fields.get("signature"));
    }
}
