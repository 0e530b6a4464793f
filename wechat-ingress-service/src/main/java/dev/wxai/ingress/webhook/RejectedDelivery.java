package dev.wxai.ingress.webhook;

import org.springframework.http.HttpStatus;

/** A request the webhook refuses; it carries the status and the reason the caller is told. Nothing was changed. */
class RejectedDelivery extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    RejectedDelivery(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    static RejectedDelivery forbidden(String code, String message) {
        return new RejectedDelivery(HttpStatus.FORBIDDEN, code, message);
    }

    static RejectedDelivery badRequest(String code, String message) {
        return new RejectedDelivery(HttpStatus.BAD_REQUEST, code, message);
    }
}
