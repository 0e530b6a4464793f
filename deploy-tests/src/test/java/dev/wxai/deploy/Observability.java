package dev.wxai.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Grafana dashboards, the Prometheus configuration, and promtool to check them. promtool is required, not optional:
 * without it these tests fail and say how to install it.
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

    static final String PROMTOOL_INSTALL = "promtool is needed (Debian's prometheus package): apt-get install -y prometheus";
    private static final String STRING = "\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'";
    private static final String MATCHERS = "\\{(?:" + STRING + "|[^}\"'])*}";
    /**
     * Series selectors ({@code name{matchers}}, or bare {@code {matchers}}) in PromQL whose syntax promtool checks
     * (AlertRulesTest, DashboardTest). Debian's promtool 2.42 cannot print an expression's selectors, so they are found
     * in the text: strings, ranges, Grafana variables and the label lists of by/without/on/ignoring/group_* are skipped,
     * and a name before "(" is a function.
     */
    private static final Pattern SELECTOR = Pattern.compile(STRING + "|\\[[^\\]]*]|\\$\\{?\\w+}?"
            + "|\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)"
            + "|(?<![\\w:.])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()\\s*(" + MATCHERS + ")?|(" + MATCHERS + ")");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*(" + STRING + ")");
    /** Names that stand before no "(" yet are not metrics: aggregations followed by by/without, operators, literals. */
    private static final Set<String> NOT_METRICS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");

    /** One line of metrics.txt: a metric, the service(s) exposing it, the labels queries may select on. */
    record Metric(String name, String exposedBy, Set<String> labels) {
    }

    /** One series selector: its metric ("" when the selector hides it) and label -> operator and quoted value. */
    record Selector(String metric, Map<String, String> matchers) {
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
        List<Selector> selectors = selectors(expr);
        if (selectors.isEmpty()) {
            problems.add(origin + ": reads no metric: " + expr);
        }
        for (Selector selector : selectors) {
            Metric metric = contract.get(selector.metric());
            if (metric == null) {
                problems.add(origin + ": " + (selector.metric().isEmpty() ? "a selector without a metric name: " + expr
                        : selector.metric() + " is not in observability/metrics.txt"));
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

    /** Metric names an expression reads. */
    static Set<String> metricsOf(String expr) {
        Set<String> names = new LinkedHashSet<>();
        selectors(expr).forEach(selector -> names.add(selector.metric()));
        return names;
    }

    static List<Selector> selectors(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Matcher token = SELECTOR.matcher(expr);
        while (token.find()) {
            String name = token.group(1) == null ? "" : token.group(1);
            String braces = token.group(1) == null ? token.group(3) : token.group(2);
            if (NOT_METRICS.contains(name) || name.isEmpty() && braces == null) {
                continue;
            }
            Map<String, String> matchers = new LinkedHashMap<>();
            Matcher matcher = MATCHER.matcher(braces == null ? "" : braces);
            while (matcher.find()) {
                matchers.put(matcher.group(1), matcher.group(2) + matcher.group(3));
            }
            selectors.add(new Selector(name, matchers));
        }
        return selectors;
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

    /** promtool with these arguments in a directory; fails with the install command when it is missing. */
    static Run promtool(Path workingDirectory, String... arguments) {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 120 s");
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError(PROMTOOL_INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
