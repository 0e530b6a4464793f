package dev.wxai.worker.deepseek;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class DeepSeekFailuresTest {

    @Test
    void busyAndBrokenServersAndTimeoutsAreRetried() {
        assertThat(DeepSeekFailures.retryable(new DeepSeekException(429, "rate limit"))).isTrue();
        assertThat(DeepSeekFailures.retryable(new DeepSeekException(500, "server"))).isTrue();
        assertThat(DeepSeekFailures.retryable(new DeepSeekException(503, "overloaded"))).isTrue();
        assertThat(DeepSeekFailures.retryable(new TimeoutException())).isTrue();
    }

    @Test
    void transportFailuresAreRetriedAndNettysResponseTimeOutIsATimeOut() {
        assertThat(DeepSeekFailures.retryable(new ConnectException("Connection refused"))).isTrue();
        assertThat(DeepSeekFailures.retryable(new IOException("Connection reset by peer"))).isTrue();
        assertThat(DeepSeekFailures.retryable(ReadTimeoutException.INSTANCE)).isTrue();
        assertThat(DeepSeekFailures.isTimeout(ReadTimeoutException.INSTANCE)).isTrue();
        assertThat(DeepSeekFailures.retryable(new IllegalStateException("a bug of ours"))).isFalse();
    }

    @Test
    void ourMistakesAndAccountProblemsAreNot() {
        for (int status : new int[] {400, 401, 402, 422}) {
            assertThat(DeepSeekFailures.retryable(new DeepSeekException(status, "no"))).as("status %d", status).isFalse();
        }
        assertThat(DeepSeekFailures.retryable(new DeepSeekException(200, "unreadable body"))).isFalse();
    }

    @Test
    void malformedRequestsDoNotOpenTheCircuitButADeadKeyDoes() {
        assertThat(DeepSeekFailures.countsAgainstCircuit(new DeepSeekException(400, "bad"))).isFalse();
        assertThat(DeepSeekFailures.countsAgainstCircuit(new DeepSeekException(422, "bad"))).isFalse();
        assertThat(DeepSeekFailures.countsAgainstCircuit(new DeepSeekException(401, "key"))).isTrue();
        assertThat(DeepSeekFailures.countsAgainstCircuit(new DeepSeekException(503, "busy"))).isTrue();
    }
}
