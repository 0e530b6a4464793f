package dev.wxai.order.pay;

/** WeChat Pay refused a request: {@code status} is the HTTP status, {@code code} WeChat Pay's error code. */
public class WechatPayException extends RuntimeException {

    /** Our code, not WeChat Pay's: a successful-looking answer whose signature did not verify. */
    public static final String UNTRUSTED_RESPONSE = "UNTRUSTED_RESPONSE";

    private final int status;
    private final String code;

    public WechatPayException(int status, String code, String message) {
        super("WeChat Pay answered " + status + " " + code + ": " + message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
