package dev.wxai.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring files under {@code observability/}: the metric contract ({@code metrics.txt}), the alert rules, the
 * Grafana dashboards, the Prometheus configuration, and promtool to check them when it is installed.
 */
final class Observability {

    static final Path PROMETHEUS_DIR = Repo.path("observability", "prometheus");
    static final Path PROMETHEUS_YML = PROMETHEUS_DIR.resolve("prometheus.yml");
    static final Path ALERTS = PROMETHEUS_DIR.resolve("alerts.yml");
    static final Path ALERT_TESTS = PROMETHEUS_DIR.resolve("alerts.test.yml");
    static final Path DASHBOARDS = Repo.path("observability", "grafana", "dashboards");
    static final Path DASHBOARD = DASHBOARDS.resolve("wxai.json");
    static final Path PROVISIONING = Repo.path("observability", "grafana", "provisioning");
    static final Path METRICS = Repo.path("observability", "metrics.txt");

    /**
     * Labels every series may carry besides its own: Micrometer's common tag and the target labels Prometheus adds
     * (compose: job, instance; Prometheus Operator: also namespace, pod, service, endpoint, container).
     */
    static final Set<String> TARGET_LABELS = Set.of("application", "job", "instance", "namespace", "pod", "service",
            "endpoint", "container");

    private static final Pattern METRIC_LINE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)\\s+#\\s*([^;]+?)\\s*(?:;\\s*labels:\\s*(.+?))?\\s*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    /** One line of metrics.txt: a metric, the service(s) exposing it, the labels queries may select on. */
    record Metric(String name, String exposedBy, Set<String> labels) {
    }

    private Observability() {
    }

    /** observability/metrics.txt, strictly: every non-comment line names a metric, its exposer and its labels. */
    static Map<String, Metric> contract() {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        String[] lines = Repo.read(METRICS).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = METRIC_LINE.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalStateException(METRICS + ":" + (i + 1) + ": expected `metric  # service[; labels: a, b]`: "
                        + line);
            }
            Set<String> labels = new LinkedHashSet<>();
            if (matcher.group(3) != null) {
                for (String label : matcher.group(3).split(",")) {
                    labels.add(label.strip());
                }
            }
            Metric metric = new Metric(matcher.group(1), matcher.group(2), labels);
            if (metrics.put(metric.name(), metric) != null) {
                throw new IllegalStateException(METRICS + ":" + (i + 1) + ": " + metric.name() + " is listed twice");
            }
        }
        return metrics;
    }

    /**
     * What is wrong with the series an expression reads: metrics missing from the contract, labels selected on that
     * the metric does not have. Empty when the expression keeps to metrics.txt.
     */
    static List<String> contractProblems(String origin, String expr, Map<String, Metric> contract) {
        List<String> problems = new ArrayList<>();
        List<PromQl.Selector> selectors;
        try {
            selectors = PromQl.selectors(expr);
        } catch (IllegalArgumentException e) {
            return List.of(origin + ": " + e.getMessage());
        }
        if (selectors.isEmpty()) {
            problems.add(origin + ": reads no metric: " + expr);
        }
        for (PromQl.Selector selector : selectors) {
            Metric metric = contract.get(selector.metric());
            if (metric == null) {
                problems.add(origin + ": " + selector.metric() + " is not in observability/metrics.txt");
                continue;
            }
            for (String label : selector.matchers().keySet()) {
                if (!metric.labels().contains(label) && !TARGET_LABELS.contains(label)) {
                    problems.add(origin + ": " + selector.metric() + " has no label " + label + " (metrics.txt lists "
                            + metric.labels() + ")");
                }
            }
        }
        return problems;
    }

    /** Metric names an expression reads (empty when it cannot be read: contractProblems reports that). */
    static Set<String> metricsOf(String expr) {
        Set<String> names = new LinkedHashSet<>();
        try {
            PromQl.selectors(expr).forEach(selector -> names.add(selector.metric()));
        } catch (IllegalArgumentException e) {
            // reported by contractProblems
        }
        return names;
    }

    // ---- alert rules

    /** Alert name -> its rule, from alerts.yml. */
    static Map<String, Map<String, Object>> alertRules() {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Object group : Yamls.listAt(Yamls.load(ALERTS), "groups")) {
            for (Object rule : Yamls.listAt(group, "rules")) {
                rules.put(Yamls.stringAt(rule, "alert"), Yamls.map(rule));
            }
        }
        return rules;
    }

    // ---- dashboards

    static Map<String, Object> dashboard() {
        return json(DASHBOARD);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path file) {
        JsonMapper mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        try {
            return mapper.readValue(Repo.read(file), LinkedHashMap.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every panel of a dashboard, those inside collapsed rows included, in order. */
    static List<Map<String, Object>> panels(Map<String, Object> dashboard) {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object panel : Yamls.list(dashboard.get("panels"))) {
            panels.add(Yamls.map(panel));
            for (Object nested : Yamls.listAt(panel, "panels")) {
                panels.add(Yamls.map(nested));
            }
        }
        return panels;
    }

    /** Panel title -> the PromQL of its targets; template variables as "variable <name>" -> their query. */
    static Map<String, List<String>> dashboardQueries(Map<String, Object> dashboard) {
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (Map<String, Object> panel : panels(dashboard)) {
            if ("row".equals(panel.get("type"))) {
                continue;
            }
            List<String> exprs = new ArrayList<>();
            for (Object target : Yamls.list(panel.get("targets"))) {
                exprs.add(Yamls.stringAt(target, "expr"));
            }
            queries.put("panel \"" + panel.get("title") + "\"", exprs);
        }
        for (Object variable : Yamls.listAt(dashboard, "templating", "list")) {
            if ("query".equals(Yamls.stringAt(variable, "type"))) {
                Object query = Yamls.at(variable, "query");
                String text = query instanceof Map ? Yamls.stringAt(query, "query") : String.valueOf(query);
                queries.put("variable " + Yamls.stringAt(variable, "name"), List.of(variableSelector(text)));
            }
        }
        return queries;
    }

    /** The PromQL inside a Grafana variable query: label_values(expr, label) gives expr. */
    static String variableSelector(String query) {
        Matcher matcher = LABEL_VALUES.matcher(query.strip());
        return matcher.matches() ? matcher.group(1) : query;
    }

    // ---- promtool

    record Run(int exitCode, String output) {
    }

    /** promtool with these arguments in a directory, or null when promtool is not installed. */
    static Run promtool(Path workingDirectory, String... arguments) {
        Path promtool = KustomizeTest.onPath("promtool");
        if (promtool == null) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(arguments));
        try {
            File output = File.createTempFile("promtool", ".out");
            output.deleteOnExit();
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(output).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 120 s");
            }
            return new Run(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
