package dev.wxai.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.wechat.Utf8Chunks;
import dev.wxai.worker.config.WorkerProperties;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ReplySenderTest {

    private static WorkerProperties limits(int maxBytes, int maxPieces) {
        return new WorkerProperties(256, Duration.ofSeconds(1), Duration.ofSeconds(25), Duration.ofMinutes(4),
                Duration.ofHours(48), Duration.ofHours(24), 12, 4000, Duration.ofHours(2), 20, 500,
                ZoneId.of("Asia/Shanghai"), maxBytes, maxPieces, 2000, 8000, 0, Duration.ofSeconds(10), 12,
                new WorkerProperties.Replies("抱歉", "升级", "重置", "……（已截断）", "不能回答", "换个问题", "繁忙", "（已截短）"),
                WorkerProperties.OnAmbiguousSend.RESEND);
    }

    @Test
    void aShortAnswerIsOneMessage() {
        ReplySender sender = new ReplySender(null, null, null, limits(2048, 5), new SimpleMeterRegistry());
        assertThat(sender.pieces("你好")).containsExactly("你好");
    }

    @Test
    void aLongAnswerIsSplitOnCharacterBoundariesWithinTheByteLimit() {
        ReplySender sender = new ReplySender(null, null, null, limits(100, 5), new SimpleMeterRegistry());
        String answer = "大语言模型".repeat(30); // 450 bytes

        List<String> pieces = sender.pieces(answer);

        assertThat(pieces).hasSize(5);
        assertThat(String.join("", pieces)).isEqualTo(answer);
        assertThat(pieces).allSatisfy(piece -> assertThat(Utf8Chunks.byteLength(piece)).isLessThanOrEqualTo(100));
    }

    @Test
    void neverMorePiecesThanWechatAllowsAndTheLastSaysItWasCut() {
        ReplySender sender = new ReplySender(null, null, null, limits(100, 3), new SimpleMeterRegistry());

        List<String> pieces = sender.pieces("大语言模型".repeat(100));

        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(2)).endsWith("……（已截断）");
        assertThat(Utf8Chunks.byteLength(pieces.get(2))).isLessThanOrEqualTo(100);
    }
}
