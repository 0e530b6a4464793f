package dev.wxai.worker.deepseek;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Which DeepSeek failures are worth another try, after DeepSeek's error code table
 * (https://api-docs.deepseek.com/quick_start/error_codes): 429 (concurrency limit), 500 and 503 (server trouble)
 * and transport failures are; 400 and 422 (our request is wrong), 401 (bad key) and 402 (no balance) are not.
 */
public final class DeepSeekFailures {

    private DeepSeekFailures() {
    }

    public static boolean retryable(Throwable error) {
        if (error instanceof DeepSeekException deepSeek) {
            int status = deepSeek.status();
            return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        }
        return isTimeout(error)
                // Transport failures: refused or reset connections, a connection closed before the answer ended
                // (Reactor Netty's PrematureCloseException), TLS failures.
                || error instanceof IOException
                || error instanceof BulkheadFullException;
    }

    /**
     * The exchange's time-out ({@code Mono.timeout}), a pool that had no connection in time, or Reactor Netty's
     * response time-out (Netty's {@code ReadTimeoutException}, which is not a {@link TimeoutException}).
     */
    public static boolean isTimeout(Throwable error) {
        return error instanceof TimeoutException || error instanceof io.netty.handler.timeout.TimeoutException;
    }

    /**
     * What opens the circuit: every failure but a malformed request (400, 422), which says nothing about DeepSeek's
     * health. 401 and 402 do count: with a dead key or no balance, failing fast is right for everyone.
     */
    public static boolean countsAgainstCircuit(Throwable error) {
        if (error instanceof DeepSeekException deepSeek) {
            return deepSeek.status() != 400 && deepSeek.status() != 422;
        }
        return !(error instanceof BulkheadFullException);
    }
}
