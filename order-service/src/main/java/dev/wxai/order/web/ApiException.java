package dev.wxai.order.web;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with the status and the {@code {"error", "message"}} the caller gets. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String error;

    public ApiException(HttpStatus status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }
}
