package dev.wxai.deploy;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Spring ("40s", "500ms", "2h"), Docker Compose ("1m30s") and ISO-8601 ("PT40S") write them. */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    static Duration parse(String text) {
        String value = text.trim();
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher part = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find()) {
            if (part.start() != end) {
                break;
            }
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = part.end();
        }
        if (end == 0 || end != value.length()) {
            throw new IllegalArgumentException("not a duration with units: '" + text + "'");
        }
        return total;
    }
}
