package dev.wxai.sandbox.deepseek;

import dev.wxai.sandbox.SandboxProperties;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/** How the fake model behaves right now; changed at run time through {@code POST /sandbox/model}. */
@Component
public class ModelBehaviour {

    private volatile Duration latency;
    private volatile int leadingBlankLines;
    private volatile double failureRate;
    private volatile int failureStatus = 503;

    ModelBehaviour(SandboxProperties properties) {
        this.latency = properties.modelLatency();
    }

    public Duration latency() {
        return latency;
    }

    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** DeepSeek under load writes blank lines before the JSON of a non-streaming answer to keep the connection open. */
    public int leadingBlankLines() {
        return leadingBlankLines;
    }

    public void leadingBlankLines(int lines) {
        this.leadingBlankLines = lines;
    }

    /** A share of calls (0–1) that fail with {@code status}, at random: a DeepSeek that is partly down. */
    public void failing(double rate, int status) {
        this.failureRate = Math.max(0, Math.min(1, rate));
        this.failureStatus = status;
    }

    public double failureRate() {
        return failureRate;
    }

    /** The status of the next call: 200, or the failure status as often as the failure rate says. */
    public int nextStatus() {
        return failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate ? failureStatus : 200;
    }
}
