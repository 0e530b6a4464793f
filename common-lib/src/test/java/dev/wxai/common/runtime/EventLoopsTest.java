package dev.wxai.common.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @AfterEach
    void clear() {
        System.clearProperty(EventLoops.PROPERTY);
    }

    @Test
    void oneLoopPerCoreUnlessTheOperatorChoseANumber() {
        System.clearProperty(EventLoops.PROPERTY);
        EventLoops.onePerCore();
        assertThat(System.getProperty(EventLoops.PROPERTY)).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));

        System.setProperty(EventLoops.PROPERTY, "7");
        EventLoops.onePerCore();
        assertThat(System.getProperty(EventLoops.PROPERTY)).isEqualTo("7");
    }
}
