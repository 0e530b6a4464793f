package dev.wxai.worker.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The content filter on questions and answers.
 *
 * @param blockedWords     {@code WXAI_SAFETY_BLOCKEDWORDS}, comma-separated
 * @param blockedWordsFile {@code WXAI_SAFETY_BLOCKEDWORDSFILE}: a UTF-8 file, one word a line, {@code #} comments;
 *                         reloaded when it changes
 * @param reloadInterval   how often the file is checked for changes
 */
@Validated
@ConfigurationProperties("wxai.safety")
public record SafetyProperties(List<String> blockedWords, String blockedWordsFile, @NotNull Duration reloadInterval) {

    public SafetyProperties {
        blockedWords = blockedWords == null ? List.of() : List.copyOf(blockedWords);
    }

    @Override
    public String toString() {
        return "SafetyProperties[" + blockedWords.size() + " words, file=" + blockedWordsFile + "]";
    }
}
