package dev.wxai.sandbox.deepseek;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class ModelBehaviourTest {

    private final ModelBehaviour model = new ModelBehaviour(Mockito.mock(SandboxProperties.class));

    @Test
    void aFailureRateFailsAboutThatShareOfCallsWithItsStatus() {
        model.failing(0.5, 503);
        long failed = IntStream.range(0, 10_000).map(i -> model.nextStatus()).filter(status -> status == 503).count();
        assertThat(failed).isBetween(4_500L, 5_500L);

        model.failing(1, 429);
        assertThat(IntStream.range(0, 100).map(i -> model.nextStatus())).containsOnly(429);

        model.failing(0, 503);
        assertThat(IntStream.range(0, 100).map(i -> model.nextStatus())).containsOnly(200);
    }
}
