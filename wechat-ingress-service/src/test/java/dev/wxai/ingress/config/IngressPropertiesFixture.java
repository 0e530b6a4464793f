package dev.wxai.ingress.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;

/** Ingress settings for tests that build components by hand, with the defaults of application.yml. */
public final class IngressPropertiesFixture {

    private IngressPropertiesFixture() {
    }

    public static IngressProperties defaults() {
        return new IngressProperties(Duration.ofMinutes(5), Duration.ofMillis(3500), DataSize.ofKilobytes(64),
                Duration.ofMinutes(5), Duration.ofMillis(4000), Duration.ofSeconds(6), Duration.ofHours(24), 2048,
                "欢迎关注", "暂时只能看懂文字消息", "没有听清这条语音", "还在思考中", "\n（回复任意内容继续）",
                Map.of(), List.of("RESET_CHAT"), "好的，我们重新开始聊吧。", 5, Duration.ofSeconds(1), "你发得太快啦");
    }
}
