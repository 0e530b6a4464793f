package dev.wxai.sandbox.deepseek;

import dev.wxai.sandbox.SandboxProperties;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** How the fake model behaves right now; changed at run time through {@code POST /sandbox/model}. */
@Component
public class ModelBehaviour {

    private volatile Duration latency;
    private volatile int leadingBlankLines;

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
}
