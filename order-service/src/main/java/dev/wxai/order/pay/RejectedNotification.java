package dev.wxai.order.pay;

import org.springframework.http.HttpStatus;

/** A notification we refuse; WeChat Pay is told why with {@code {"code":"FAIL","message":…}} and retries later. */
public class RejectedNotification extends RuntimeException {

    private final HttpStatus status;

    public RejectedNotification(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
