package dev.wxai.order.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/** Every API error as {@code {"error": code, "message": text}} with the fitting status. */
@RestControllerAdvice
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> refused(ApiException e) {
        return ResponseEntity.status(e.status()).body(new ApiError(e.error(), e.getMessage()));
    }

    @ExceptionHandler(WebExchangeBindException.class)
    ResponseEntity<ApiError> invalid(WebExchangeBindException e) {
        String message = e.getFieldErrors().stream().map(f -> f.getField() + " " + f.getDefaultMessage())
                .findFirst().orElse("invalid request");
        return ResponseEntity.badRequest().body(new ApiError("invalid_request", message));
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ApiError> unreadable(ServerWebInputException e) {
        return ResponseEntity.badRequest().body(new ApiError("invalid_request", "the request body is not valid JSON"));
    }

    /** No such endpoint or method, and the framework's other refusals: their own status, never a 500. */
    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ApiError> refusedByFramework(ResponseStatusException e) {
        HttpStatusCode status = e.getStatusCode();
        String error = switch (status.value()) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406, 415 -> "unsupported_media_type";
            default -> "invalid_request";
        };
        return ResponseEntity.status(status).body(new ApiError(error, e.getReason() == null ? error.replace('_', ' ') : e.getReason()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(new ApiError("internal_error", "something went wrong on our side"));
    }
}
