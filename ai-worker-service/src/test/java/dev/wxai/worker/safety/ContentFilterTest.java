package dev.wxai.worker.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.worker.config.SafetyProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter's words: configured ones plus a file's, the file reloaded when it changes, hits counted by side. */
class ContentFilterTest {

    @TempDir
    Path dir;

    @Test
    void aChangedFileIsReloadedAndHitsAreCountedByWhereTheyWere() throws Exception {
        Path file = dir.resolve("blocked.txt");
        Files.writeString(file, "# one word a line\n盗版\n");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ContentFilter filter = new ContentFilter(new SafetyProperties(List.of("赌博"), file.toString(), Duration.ofSeconds(10)), meters);

        assertThat(filter.questionBlocked("哪里有盗版课")).isTrue();
        assertThat(filter.questionBlocked("怎么赌博")).isTrue();
        assertThat(filter.answerBlocked("这是翻墙教程")).isFalse();

        Files.writeString(file, "盗版\n翻墙\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        filter.reloadIfChanged();

        assertThat(filter.answerBlocked("这是翻墙教程")).isTrue();
        assertThat(meters.counter("wxai.safety.blocked", "where", "question").count()).isEqualTo(2);
        assertThat(meters.counter("wxai.safety.blocked", "where", "answer").count()).isEqualTo(1);
    }

    @Test
    void aFileThatCannotBeReadFailsStartUpButLaterKeepsTheWordsItHad() throws Exception {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> new ContentFilter(new SafetyProperties(List.of(), missing.toString(), Duration.ofSeconds(10)),
                new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);

        Path file = dir.resolve("words.txt");
        Files.writeString(file, "盗版\n");
        ContentFilter filter = new ContentFilter(new SafetyProperties(List.of(), file.toString(), Duration.ofSeconds(10)),
                new SimpleMeterRegistry());
        Files.delete(file);
        filter.reloadIfChanged();

        assertThat(filter.questionBlocked("盗版")).isTrue();
    }
}
