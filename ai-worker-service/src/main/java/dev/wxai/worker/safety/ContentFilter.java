package dev.wxai.worker.safety;

import dev.wxai.worker.config.SafetyProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What the account must never send or answer: the words of {@code wxai.safety.blocked-words} and of
 * {@code wxai.safety.blocked-words-file} (one a line, {@code #} comments), the file reloaded when it changes (checked
 * every {@code wxai.safety.reload-interval}, off the event loops). Questions and answers are checked with one
 * {@link BlockedWords} automaton; hits are counted in {@code wxai_safety_blocked_total{where}}, never logged with the
 * text.
 */
@Component
public class ContentFilter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ContentFilter.class);

    private final SafetyProperties properties;
    private final AtomicReference<BlockedWords> words = new AtomicReference<>();
    private final Counter questions;
    private final Counter answers;
    private volatile FileTime loadedVersion;
    private volatile Disposable watcher;

    ContentFilter(SafetyProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.questions = Counter.builder("wxai.safety.blocked").tag("where", "question")
                .description("Questions refused for a blocked word, without asking the model").register(meters);
        this.answers = Counter.builder("wxai.safety.blocked").tag("where", "answer")
                .description("Model answers withheld for a blocked word; the user got the safe text").register(meters);
        reload(); // at start-up, before any message: a file that cannot be read fails here, loudly
    }

    public boolean questionBlocked(String question) {
        boolean blocked = words.get().foundIn(question);
        if (blocked) {
            questions.increment();
        }
        return blocked;
    }

    public boolean answerBlocked(String answer) {
        boolean blocked = words.get().foundIn(answer);
        if (blocked) {
            answers.increment();
        }
        return blocked;
    }

    private void reload() {
        List<String> all = new ArrayList<>(properties.blockedWords());
        String file = properties.blockedWordsFile();
        FileTime version = null;
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file);
            try {
                version = Files.getLastModifiedTime(path);
                Arrays.stream(Files.readString(path, StandardCharsets.UTF_8).split("\\R"))
                        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(all::add);
            } catch (IOException e) {
                if (words.get() == null) {
                    throw new IllegalStateException("wxai.safety.blocked-words-file " + file + " cannot be read", e);
                }
                log.warn("Blocked-words file {} cannot be read ({}); keeping the {} words loaded before", file, e.toString(),
                        words.get().size());
                return;
            }
        }
        words.set(BlockedWords.of(all));
        loadedVersion = version;
        log.info("Content filter: {} blocked words", words.get().size());
    }

    void reloadIfChanged() {
        String file = properties.blockedWordsFile();
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            FileTime now = Files.getLastModifiedTime(Path.of(file));
            if (!now.equals(loadedVersion)) {
                reload();
            }
        } catch (IOException e) {
            log.warn("Blocked-words file {} cannot be checked: {}", file, e.toString());
        }
    }

    @Override
    public void start() {
        Duration every = properties.reloadInterval();
        watcher = Flux.interval(every, every, Schedulers.boundedElastic())
                .doOnNext(tick -> reloadIfChanged())
                .onErrorContinue((error, tick) -> log.warn("Blocked-words reload failed: {}", error.toString()))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = watcher;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable current = watcher;
        return current != null && !current.isDisposed();
    }
}
