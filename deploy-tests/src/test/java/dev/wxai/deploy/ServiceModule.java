package dev.wxai.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runnable service as its own {@code src/main/resources/application.yml} describes it: port, actuator, shutdown
 * phase, and every property key it sets (Spring's flattened names).
 */
record ServiceModule(String name, Map<String, Object> tree, Map<String, Object> properties) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");
    private static final Map<String, ServiceModule> CACHE = new ConcurrentHashMap<>();

    static ServiceModule of(String name) {
        return CACHE.computeIfAbsent(name, module -> {
            Path yml = Repo.path(module, "src", "main", "resources", "application.yml");
            Map<String, Object> tree = Yamls.load(yml);
            return new ServiceModule(module, tree, Yamls.flatten(tree));
        });
    }

    String value(String key) {
        Object value = properties.get(key);
        return value == null ? null : String.valueOf(value);
    }

    String required(String key) {
        String value = value(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + "/application.yml does not set " + key);
        }
        return value;
    }

    int port() {
        return Integer.parseInt(required("server.port"));
    }

    /** Where the actuator listens: management.server.port when set, else the service's own port. */
    int actuatorPort() {
        String management = value("management.server.port");
        return management == null ? port() : Integer.parseInt(management);
    }

    String actuatorBasePath() {
        String basePath = value("management.endpoints.web.base-path");
        return basePath == null ? "/actuator" : basePath;
    }

    Duration shutdownPhase() {
        return Durations.parse(required("spring.lifecycle.timeout-per-shutdown-phase"));
    }

    /** The health groups liveness and readiness exist only with probes enabled and health exposed over HTTP. */
    boolean exposesProbes() {
        String exposure = value("management.endpoints.web.exposure.include");
        boolean healthExposed = exposure == null || exposed(exposure, "health");
        return "true".equals(value("management.endpoint.health.probes.enabled")) && healthExposed;
    }

    boolean exposesPrometheus() {
        String exposure = value("management.endpoints.web.exposure.include");
        return exposure != null && exposed(exposure, "prometheus");
    }

    private static boolean exposed(String exposure, String endpoint) {
        List<String> endpoints = Arrays.asList(exposure.replace(" ", "").split(","));
        return endpoints.contains(endpoint) || endpoints.contains("*");
    }

    /** Whether application.yml sets anything under this prefix (e.g. "spring.kafka."). */
    boolean configures(String prefix) {
        return properties.keySet().stream().anyMatch(key -> key.startsWith(prefix));
    }

    /** Names read straight from the environment by placeholders, e.g. WXAI_WECHAT_APPID in ${WXAI_WECHAT_APPID:…}. */
    Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        for (Object value : properties.values()) {
            if (value instanceof String text) {
                Matcher placeholder = PLACEHOLDER.matcher(text);
                while (placeholder.find()) {
                    names.add(placeholder.group(1).trim());
                }
            }
        }
        return names;
    }
}
