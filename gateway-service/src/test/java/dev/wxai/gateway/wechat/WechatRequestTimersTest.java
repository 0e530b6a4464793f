package dev.wxai.gateway.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WechatRequestTimersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WechatRequestTimers timers = new WechatRequestTimers(meters);

    @Test
    void theUsualAnswerIsThereBeforeTheFirstRequest() {
        assertThat(meters.get(WechatRequestTimers.NAME).tag("status", "200").timer().count()).isZero();
    }

    @Test
    void eachStatusGetsOneTimerThatCountsEveryAnswer() {
        timers.record(200, 1_000_000);
        timers.record(200, 3_000_000);
        timers.record(503, 2_000_000);

        assertThat(meters.get(WechatRequestTimers.NAME).timers()).hasSize(2);
        assertThat(meters.get(WechatRequestTimers.NAME).tag("status", "200").timer().count()).isEqualTo(2);
        assertThat(meters.get(WechatRequestTimers.NAME).tag("status", "503").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(2.0);
    }

    @Test
    void aStatusOutsideHttpsRangeIsCountedAsOther() {
        timers.record(42, 1);
        timers.record(600, 1);

        assertThat(meters.get(WechatRequestTimers.NAME).tag("status", "other").timer().count()).isEqualTo(2);
    }
}
