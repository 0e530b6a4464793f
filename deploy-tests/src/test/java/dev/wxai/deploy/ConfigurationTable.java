package dev.wxai.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's configuration table, the contract for environment variable names: which variables exist and which
 * services read each. A row may name several variables with shorthand suffixes: {@code `WXAI_ORDER_EXPIRY`,
 * `_NOTIFYMAXAGE`} or {@code `RESILIENCE4J_RETRY_INSTANCES_DEEPSEEK_MAXATTEMPTS`, `…_WAITDURATION`}: a suffix
 * replaces the last segment of the row's first full name.
 */
final class ConfigurationTable {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern FULL_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern SUFFIX = Pattern.compile("(?:…|\\.\\.\\.)?_([A-Z0-9_]+)");
    private static final Pattern SERVICE_WORD = Pattern.compile("\\b(ingress|worker|gateway|order|sandbox|all)\\b");
    private static final Map<String, String> MODULE_OF_WORD = Map.of(
            "ingress", "wechat-ingress-service",
            "worker", "ai-worker-service",
            "gateway", "gateway-service",
            "order", "order-service",
            "sandbox", "sandbox");

    private static final Map<String, Set<String>> READERS = parse(Repo.read(Repo.path("README.md")));

    private ConfigurationTable() {
    }

    /** Every variable of the table, with the modules its "service" column names. */
    static Map<String, Set<String>> variables() {
        return READERS;
    }

    static boolean documents(String variable) {
        return READERS.containsKey(variable);
    }

    static Set<String> readers(String variable) {
        return READERS.getOrDefault(variable, Set.of());
    }

    static Map<String, Set<String>> parse(String readme) {
        int section = readme.indexOf("\n## Configuration");
        if (section < 0) {
            throw new IllegalStateException("README.md has no '## Configuration' section");
        }
        int next = readme.indexOf("\n## ", section + 1);
        String table = readme.substring(section, next < 0 ? readme.length() : next);
        Map<String, Set<String>> readers = new LinkedHashMap<>();
        for (String line : table.split("\n")) {
            if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| environment variable")) {
                continue;
            }
            String[] cells = line.split("(?<!\\\\)\\|");
            if (cells.length < 3) {
                continue;
            }
            Set<String> modules = modules(cells[2]);
            for (String name : names(cells[1])) {
                readers.computeIfAbsent(name, key -> new LinkedHashSet<>()).addAll(modules);
            }
        }
        if (readers.isEmpty()) {
            throw new IllegalStateException("README.md's configuration table has no variables");
        }
        return readers;
    }

    static List<String> names(String cell) {
        Matcher code = CODE.matcher(cell);
        String first = null;
        Set<String> names = new LinkedHashSet<>();
        while (code.find()) {
            String token = code.group(1).trim();
            Matcher suffix = SUFFIX.matcher(token);
            if (FULL_NAME.matcher(token).matches()) {
                names.add(token);
                if (first == null) {
                    first = token;
                }
            } else if (first != null && suffix.matches()) {
                names.add(first.substring(0, first.lastIndexOf('_') + 1) + suffix.group(1));
            }
        }
        return List.copyOf(names);
    }

    private static Set<String> modules(String cell) {
        Set<String> modules = new LinkedHashSet<>();
        Matcher word = SERVICE_WORD.matcher(cell);
        while (word.find()) {
            if (word.group(1).equals("all")) {
                modules.addAll(Repo.SERVICE_MODULES);
            } else {
                modules.add(MODULE_OF_WORD.get(word.group(1)));
            }
        }
        return modules;
    }
}
