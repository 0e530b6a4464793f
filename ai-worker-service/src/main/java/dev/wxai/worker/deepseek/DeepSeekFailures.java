package dev.wxai.worker.deepseek;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.netty.http.client.PrematureCloseException;

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
        return error instanceof TimeoutException
                || error instanceof WebClientRequestException
                || error instanceof PrematureCloseException
                || error instanceof BulkheadFullException;
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
