package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Grafana dashboard: valid JSON whose every panel queries the provisioned Prometheus on the metric contract, the
 * rows the issue asks for, loaded by compose's Grafana and shipped to Kubernetes as the sidecar's ConfigMap.
 */
class DashboardTest {

    private static final String DATASOURCE = "${datasource}";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");
    private static final Set<String> BUILTIN_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    /** Row titles start with these, in this order (issue #8). */
    private static final List<String> ROWS = List.of("Message path", "Queue", "DeepSeek", "Replies", "Payments", "JVM");
    /** kubectl apply (client side) keeps the whole object in an annotation limited to 256 KiB. */
    private static final int MAX_BYTES = 200 * 1024;

    private static final Map<String, Object> DASHBOARD = Observability.dashboard();

    @TempDir
    Path temp;

    @Test
    void isAGrafanaDashboardWithAStableUidAndTheDataSourceAsAVariable() {
        assertThat(Yamls.stringAt(DASHBOARD, "uid")).isEqualTo("wxai");
        assertThat(Yamls.stringAt(DASHBOARD, "title")).isNotBlank();
        assertThat((Integer) DASHBOARD.get("schemaVersion")).isBetween(36, 41);
        assertThat(DASHBOARD.get("id")).as("provisioned dashboards carry no database id").isNull();

        Map<String, Object> datasource = variable("datasource");
        assertThat(datasource).as("a variable `datasource` of type datasource").isNotNull();
        assertThat(datasource.get("type")).isEqualTo("datasource");
        assertThat(datasource.get("query")).isEqualTo("prometheus");
        assertThat(Yamls.stringAt(datasource, "current", "value"))
                .as("defaults to the data source compose provisions").isEqualTo(provisionedDatasource().get("uid"));
    }

    @Test
    void everyPanelQueriesTheDataSourceVariable() {
        List<String> problems = new ArrayList<>();
        Set<Object> ids = new HashSet<>();
        for (Map<String, Object> panel : Observability.panels(DASHBOARD)) {
            String id = "panel " + panel.get("id") + " \"" + panel.get("title") + "\"";
            if (panel.get("id") == null || !ids.add(panel.get("id"))) {
                problems.add(id + ": needs a unique id");
            }
            if (Yamls.stringAt(panel, "title") == null || Yamls.stringAt(panel, "title").isBlank()) {
                problems.add(id + ": no title");
            }
            if ("row".equals(panel.get("type"))) {
                continue;
            }
            if (!DATASOURCE.equals(Yamls.stringAt(panel, "datasource", "uid"))
                    || !"prometheus".equals(Yamls.stringAt(panel, "datasource", "type"))) {
                problems.add(id + ": datasource must be {type: prometheus, uid: " + DATASOURCE + "}");
            }
            if (Yamls.stringAt(panel, "description") == null) {
                problems.add(id + ": no description (what it shows, what is bad)");
            }
            List<Object> targets = Yamls.list(panel.get("targets"));
            if (targets.isEmpty()) {
                problems.add(id + ": no query");
            }
            Set<String> refIds = new HashSet<>();
            for (Object target : targets) {
                String expr = Yamls.stringAt(target, "expr");
                if (expr == null || expr.isBlank()) {
                    problems.add(id + ": a target without a PromQL expr");
                }
                if (!refIds.add(String.valueOf(Yamls.stringAt(target, "refId")))) {
                    problems.add(id + ": refIds must be unique");
                }
                if (Yamls.at(target, "datasource") != null && !DATASOURCE.equals(Yamls.stringAt(target, "datasource", "uid"))) {
                    problems.add(id + ": a target with another datasource");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theRowsOfTheIssueArePresentInOrderAndEachHasPanels() {
        List<Map<String, Object>> top = Yamls.list(DASHBOARD.get("panels")).stream().map(Yamls::map).toList();
        List<String> rows = new ArrayList<>();
        Map<String, Integer> panelsPerRow = new LinkedHashMap<>();
        String current = null;
        for (Map<String, Object> panel : top) {
            if ("row".equals(panel.get("type"))) {
                current = String.valueOf(panel.get("title"));
                rows.add(current);
                panelsPerRow.put(current, Yamls.list(panel.get("panels")).size());
            } else {
                assertThat(current).as("panel \"" + panel.get("title") + "\" before the first row").isNotNull();
                panelsPerRow.merge(current, 1, Integer::sum);
            }
        }
        assertThat(rows).hasSameSizeAs(ROWS);
        for (int i = 0; i < ROWS.size(); i++) {
            assertThat(rows.get(i)).startsWith(ROWS.get(i));
        }
        assertThat(panelsPerRow).allSatisfy((row, count) -> assertThat(count).as(row).isPositive());
    }

    @Test
    void panelsFitTheGridWithoutOverlapping() {
        List<String> problems = new ArrayList<>();
        Map<String, String> cells = new LinkedHashMap<>();
        for (Object item : Yamls.list(DASHBOARD.get("panels"))) {
            Map<String, Object> panel = Yamls.map(item);
            String title = String.valueOf(panel.get("title"));
            int x = (Integer) Yamls.at(panel, "gridPos", "x");
            int y = (Integer) Yamls.at(panel, "gridPos", "y");
            int w = (Integer) Yamls.at(panel, "gridPos", "w");
            int h = (Integer) Yamls.at(panel, "gridPos", "h");
            if (x < 0 || w <= 0 || h <= 0 || x + w > 24) {
                problems.add(title + ": gridPos outside the 24 columns");
            }
            for (int column = x; column < x + w; column++) {
                for (int line = y; line < y + h; line++) {
                    String other = cells.put(column + "," + line, title);
                    if (other != null) {
                        problems.add(title + " overlaps " + other);
                    }
                }
            }
        }
        assertThat(new LinkedHashSet<>(problems)).isEmpty();
    }

    @Test
    void queriesReadOnlyMetricsAndLabelsOfTheContractAndFilterByNamespace() {
        Map<String, Observability.Metric> contract = Observability.contract();
        Set<String> variables = new HashSet<>(BUILTIN_VARIABLES);
        for (Object variable : Yamls.listAt(DASHBOARD, "templating", "list")) {
            variables.add(Yamls.stringAt(variable, "name"));
        }
        List<String> problems = new ArrayList<>();
        Observability.dashboardQueries(DASHBOARD).forEach((origin, exprs) -> {
            for (String expr : exprs) {
                problems.addAll(Observability.contractProblems(origin, expr, contract));
                Matcher used = VARIABLE.matcher(expr);
                while (used.find()) {
                    if (!variables.contains(used.group(1))) {
                        problems.add(origin + ": unknown variable $" + used.group(1));
                    }
                }
                if (origin.startsWith("panel")) {
                    for (Observability.Selector selector : Observability.selectors(expr)) {
                        if (!"=~\"$namespace\"".equals(selector.matchers().get("namespace"))) {
                            problems.add(origin + ": " + selector.metric() + " without namespace=~\"$namespace\"");
                        }
                    }
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    /** Histograms count as one family: a panel may read the buckets and never _sum. */
    @Test
    void everyMetricOfTheContractIsShownOrAlertedOn() {
        Set<String> used = new HashSet<>();
        Observability.dashboardQueries(DASHBOARD).values().forEach(exprs -> exprs.forEach(expr ->
                Observability.metricsOf(expr).forEach(metric -> used.add(family(metric)))));
        Observability.alertRules().values().forEach(rule ->
                Observability.metricsOf(Yamls.stringAt(rule, "expr")).forEach(metric -> used.add(family(metric))));
        List<String> unused = Observability.contract().keySet().stream()
                .filter(metric -> !used.contains(family(metric))).toList();
        assertThat(unused).as("metrics.txt entries that no panel and no alert reads").isEmpty();
    }

    private static String family(String metric) {
        return metric.replaceAll("_(bucket|count|sum)$", "");
    }

    /** promtool parses every panel query (as a recording rule, Grafana's variables replaced). */
    @Test
    void promtoolParsesEveryQuery() throws IOException {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int index = 0;
        for (List<String> exprs : Observability.dashboardQueries(DASHBOARD).values()) {
            for (String expr : exprs) {
                String concrete = expr.replace("$__rate_interval", "1m").replace("$__interval", "1m")
                        .replace("$__range", "1h").replace("$namespace", ".*");
                rules.append("      - record: dashboard:query").append(index++).append('\n')
                        .append("        expr: '").append(concrete.replace("'", "''").replace("\n", " ")).append("'\n");
            }
        }
        Files.writeString(temp.resolve("queries.yml"), rules, StandardCharsets.UTF_8);
        Observability.Run check = Observability.promtool(temp, "check", "rules", "queries.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void fitsInAConfigMapThatKubectlApplyCanHandle() throws IOException {
        assertThat(Files.size(Observability.DASHBOARD)).isLessThan(MAX_BYTES);
    }

    @Test
    void composeGrafanaLoadsTheDashboardsFromTheProvisionedPrometheus() {
        Map<String, Object> services = Yamls.mapAt(Yamls.load(Repo.path("docker-compose.yml")), "services");
        Object grafana = services.get("grafana");
        String dashboards = mountTarget(grafana, "./observability/grafana/dashboards");
        assertThat(mountTarget(grafana, "./observability/grafana/provisioning")).isEqualTo("/etc/grafana/provisioning");
        assertThat(dashboards).as("compose mounts the dashboards folder").isNotNull();

        Path providers = Observability.PROVISIONING.resolve("dashboards");
        List<String> paths = new ArrayList<>();
        for (Path file : yamlFiles(providers)) {
            for (Object provider : Yamls.listAt(Yamls.load(file), "providers")) {
                paths.add(Yamls.stringAt(provider, "options", "path"));
            }
        }
        assertThat(paths).as("a dashboard provider reads the mounted folder").contains(dashboards);

        Map<String, Object> datasource = provisionedDatasource();
        assertThat(Yamls.stringAt(datasource, "type")).isEqualTo("prometheus");
        assertThat(Yamls.stringAt(datasource, "url")).as("the compose service prometheus on its port")
                .isEqualTo("http://prometheus:" + containerPort(services.get("prometheus")));

        String home = Yamls.stringAt(grafana, "environment", "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        if (home != null) {
            assertThat(home).startsWith(dashboards + "/");
            assertThat(Observability.DASHBOARDS.resolve(home.substring(dashboards.length() + 1))).isRegularFile();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void kubernetesShipsEveryDashboardToTheGrafanaSidecar(String env) throws IOException {
        List<Map<String, Object>> configMaps = RenderedOverlay.ofKind(env, "ConfigMap").stream()
                .filter(resource -> "1".equals(Yamls.stringAt(resource, "metadata", "labels", "grafana_dashboard")))
                .toList();
        assertThat(configMaps).extracting(RenderedOverlay::name)
                .as("one ConfigMap of a fixed name: a hashed one leaves the old ConfigMap and a duplicate dashboard behind")
                .containsExactly("wxai-grafana-dashboards");
        Map<String, Object> shipped = new LinkedHashMap<>();
        configMaps.forEach(configMap -> shipped.putAll(Yamls.mapAt(configMap, "data")));
        Map<String, Object> expected = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Observability.DASHBOARDS)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
                expected.put(file.getFileName().toString(), Repo.read(file));
            }
        }
        assertThat(expected).as("dashboards in observability/grafana/dashboards").isNotEmpty();
        assertThat(shipped).as("ConfigMaps labelled grafana_dashboard: \"1\" hold exactly the dashboard files")
                .isEqualTo(expected);
    }

    // ---- helpers

    private static Map<String, Object> variable(String name) {
        return Yamls.listAt(DASHBOARD, "templating", "list").stream().map(Yamls::map)
                .filter(variable -> name.equals(variable.get("name"))).findFirst().orElse(null);
    }

    /** The default data source of Grafana's provisioning. */
    private static Map<String, Object> provisionedDatasource() {
        List<Map<String, Object>> defaults = new ArrayList<>();
        for (Path file : yamlFiles(Observability.PROVISIONING.resolve("datasources"))) {
            for (Object datasource : Yamls.listAt(Yamls.load(file), "datasources")) {
                if (Boolean.TRUE.equals(Yamls.at(datasource, "isDefault"))) {
                    defaults.add(Yamls.map(datasource));
                }
            }
        }
        assertThat(defaults).as("one default data source provisioned").hasSize(1);
        return defaults.get(0);
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Where a compose service mounts a host path (short syntax), or null. */
    static String mountTarget(Object service, String source) {
        for (Object volume : Yamls.listAt(service, "volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2 && Objects.equals(parts[0], source)) {
                return parts[1];
            }
        }
        return null;
    }

    private static String containerPort(Object service) {
        List<Object> ports = Yamls.listAt(service, "ports");
        assertThat(ports).hasSize(1);
        String spec = String.valueOf(ports.get(0));
        return spec.substring(spec.lastIndexOf(':') + 1);
    }
}
