package dev.wxai.common.event;

/** A record value that cannot be read as the event it claims to be: a poison record, never worth retrying. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
