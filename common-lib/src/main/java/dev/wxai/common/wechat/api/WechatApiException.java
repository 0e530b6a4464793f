package dev.wxai.common.wechat.api;

/**
 * WeChat answered with a non-zero {@code errcode}. WeChat reports API errors in an HTTP 200 body
 * ({@code {"errcode":40001,"errmsg":"invalid credential…"}}), so the status code alone says nothing.
 */
public class WechatApiException extends RuntimeException {

    private final int errcode;

    public WechatApiException(String operation, int errcode, String errmsg) {
        super(operation + " failed: errcode " + errcode + " (" + errmsg + ")");
        this.errcode = errcode;
    }

    public int errcode() {
        return errcode;
    }

    /** 40001, 40014, 42001: the access token is invalid, malformed or expired; refresh once and retry. */
    public boolean isTokenRejected() {
        return errcode == 40001 || errcode == 40014 || errcode == 42001;
    }

    /**
     * 45015 (the user has not written within 48 hours, or unfollowed) and 45047 (the customer-service quota for the
     * user is used up): retrying cannot succeed.
     */
    public boolean isFinal() {
        return errcode == 45015 || errcode == 45047;
    }

    /** -1: WeChat is busy; back off and retry. */
    public boolean isBusy() {
        return errcode == -1;
    }
}
