package dev.wxai.worker.deepseek;

/** DeepSeek refused or garbled an answer; {@code status} is the HTTP status (200 for an unreadable body). */
public class DeepSeekException extends RuntimeException {

    private final int status;

    public DeepSeekException(int status, String message) {
        super("DeepSeek answered " + status + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
