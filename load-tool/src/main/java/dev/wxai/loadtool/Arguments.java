package dev.wxai.loadtool;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --name value} or {@code --name=value} options; every option given must be read, so a typo is refused. */
final class Arguments {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    Arguments(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected an option like --rate, got '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                values.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
        }
    }

    String string(String name, String fallback) {
        read.add(name);
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        String value = string(name, null);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }

    double number(String name, double fallback) {
        String value = string(name, null);
        try {
            return value == null ? fallback : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
        }
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    Duration duration(String name, Duration fallback) {
        String value = string(name, null);
        return value == null ? fallback : parseDuration("--" + name, value);
    }

    static Duration parseDuration(String name, String value) {
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(name + " must be a duration like 30s, 500ms or 2m, got '" + value + "'");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Refuses options that no one read: a misspelt option must not silently fall back to a default. */
    void requireAllRead() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }
}
