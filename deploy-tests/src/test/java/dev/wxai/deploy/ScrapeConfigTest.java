package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who scrapes what: compose's Prometheus (observability/prometheus/prometheus.yml and what compose mounts for it) and
 * the Prometheus Operator's ServiceMonitor in k8s/, both against each service's application.yml.
 */
class ScrapeConfigTest {

    private static final Map<String, Object> SERVICES = Yamls.mapAt(Yamls.load(Repo.path("docker-compose.yml")), "services");
    private static final Map<String, Object> PROMETHEUS = Yamls.load(Observability.PROMETHEUS_YML);
    /** Where the prom/prometheus image reads its configuration when no --config.file is given. */
    private static final String CONFIG_IN_IMAGE = "/etc/prometheus/prometheus.yml";

    @Test
    void composeMountsTheConfigurationWhereTheImageReadsItAndEveryRuleFileBesideIt() {
        Object prometheus = SERVICES.get("prometheus");
        assertThat(Yamls.at(prometheus, "command")).as("the image's default command reads " + CONFIG_IN_IMAGE).isNull();
        assertThat(DashboardTest.mountTarget(prometheus, "./observability/prometheus/prometheus.yml")).isEqualTo(CONFIG_IN_IMAGE);
        List<Object> ruleFiles = Yamls.listAt(PROMETHEUS, "rule_files");
        assertThat(ruleFiles).as("prometheus.yml loads the alert rules").contains("alerts.yml");
        List<String> problems = new ArrayList<>();
        String configDir = CONFIG_IN_IMAGE.substring(0, CONFIG_IN_IMAGE.lastIndexOf('/'));
        for (Object entry : ruleFiles) {
            String file = String.valueOf(entry);
            if (file.contains("*") || file.contains("/")) {
                problems.add("rule file " + file + ": name files beside prometheus.yml, no globs or folders");
                continue;
            }
            if (!Files.isRegularFile(Observability.PROMETHEUS_DIR.resolve(file))) {
                problems.add("rule file " + file + " does not exist in observability/prometheus");
            }
            String target = DashboardTest.mountTarget(prometheus, "./observability/prometheus/" + file);
            if (!(configDir + "/" + file).equals(target)) {
                problems.add("rule file " + file + " is mounted at " + target + ", Prometheus reads " + configDir + "/" + file);
            }
        }
        for (Object volume : Yamls.listAt(prometheus, "volumes")) {
            if (!String.valueOf(volume).endsWith(":ro")) {
                problems.add("prometheus mounts " + volume + " writable");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyComposeServiceWithMetricsIsScrapedOnItsActuatorAndEveryReplicaIsFound() {
        Map<String, Object> jobs = new LinkedHashMap<>();
        for (Object job : Yamls.listAt(PROMETHEUS, "scrape_configs")) {
            assertThat(jobs.put(Yamls.stringAt(job, "job_name"), job)).as("job names are unique").isNull();
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> apps = new LinkedHashMap<>();
        SERVICES.forEach((name, definition) -> {
            String module = Yamls.stringAt(definition, "build", "args", "MODULE");
            if (module != null) {
                apps.put(name, module);
            }
        });
        apps.forEach((name, module) -> {
            ServiceModule service = ServiceModule.of(module);
            Object job = jobs.get(name);
            if (!service.exposesPrometheus()) {
                if (job != null) {
                    problems.add(name + " is scraped but exposes no prometheus endpoint");
                }
                return;
            }
            if (job == null) {
                problems.add(name + ": no scrape job named after the compose service (the alerts select job=~…)");
                return;
            }
            if (!(service.actuatorBasePath() + "/prometheus").equals(Yamls.stringAt(job, "metrics_path"))) {
                problems.add(name + ": metrics_path " + Yamls.stringAt(job, "metrics_path"));
            }
            if (Yamls.at(job, "static_configs") != null) {
                problems.add(name + ": static_configs find one of the replicas only; use dns_sd_configs");
            }
            List<Object> discovery = Yamls.listAt(job, "dns_sd_configs");
            boolean found = discovery.size() == 1
                    && Yamls.listAt(discovery.get(0), "names").equals(List.of(name))
                    && "A".equals(Yamls.stringAt(discovery.get(0), "type"))
                    && String.valueOf(service.actuatorPort()).equals(Yamls.stringAt(discovery.get(0), "port"));
            if (!found) {
                problems.add(name + ": expected dns_sd_configs [{names: [" + name + "], type: A, port: "
                        + service.actuatorPort() + "}] (every replica behind the name)");
            }
        });
        jobs.keySet().stream().filter(job -> !apps.containsKey(job))
                .forEach(job -> problems.add("job " + job + " scrapes no compose service of this repository"));
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aPodMonitorScrapesEveryServiceWithMetricsOnItsManagementPortUnderItsOwnJobName(String env) {
        List<Map<String, Object>> monitors = RenderedOverlay.ofKind(env, "PodMonitor");
        assertThat(monitors).as("PodMonitors").isNotEmpty();
        assertThat(RenderedOverlay.ofKind(env, "ServiceMonitor")).as("ServiceMonitors: they need a Service exposing the port")
                .isEmpty();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : RenderedOverlay.ofKind(env, "Deployment")) {
            String module = RenderedOverlay.name(deployment);
            ServiceModule service = ServiceModule.of(module);
            Map<String, Object> podLabels = Yamls.mapAt(deployment, "spec", "template", "metadata", "labels");
            Map<String, Object> container = Yamls.map(Yamls.listAt(deployment, "spec", "template", "spec", "containers").get(0));
            List<String> scrapes = new ArrayList<>();
            for (Map<String, Object> monitor : monitors) {
                if (!selects(Yamls.mapAt(monitor, "spec", "selector"), podLabels)) {
                    continue;
                }
                for (Object endpoint : Yamls.listAt(monitor, "spec", "podMetricsEndpoints")) {
                    Object port = Yamls.listAt(container, "ports").stream()
                            .filter(candidate -> Objects.equals(Yamls.stringAt(candidate, "name"), Yamls.stringAt(endpoint, "port")))
                            .findFirst().orElse(null);
                    if (port == null) {
                        continue; // the Operator finds no target in a pod without the endpoint's port
                    }
                    String target = RenderedOverlay.name(monitor) + " -> pod port " + Yamls.stringAt(port, "name");
                    String path = Yamls.stringAt(endpoint, "path");
                    String jobLabel = Yamls.stringAt(monitor, "spec", "jobLabel");
                    String job = jobLabel == null || podLabels.get(jobLabel) == null ? module : String.valueOf(podLabels.get(jobLabel));
                    if (!String.valueOf(service.actuatorPort()).equals(Yamls.stringAt(port, "containerPort"))) {
                        problems.add(module + ": " + target + " is port " + Yamls.stringAt(port, "containerPort")
                                + ", not the actuator's (" + service.actuatorPort() + ")");
                    }
                    if (!(service.actuatorBasePath() + "/prometheus").equals(path)) {
                        problems.add(module + ": " + target + " path " + path);
                    }
                    if (!module.equals(job)) {
                        problems.add(module + ": scraped as job " + job + "; the alerts expect the service name, as in compose");
                    }
                    scrapes.add(target);
                }
            }
            if (service.exposesPrometheus() && scrapes.size() != 1) {
                problems.add(module + ": scraped by " + scrapes + ", expected exactly one PodMonitor endpoint");
            }
            if (!service.exposesPrometheus() && !scrapes.isEmpty()) {
                problems.add(module + ": exposes no metrics but " + scrapes + " scrape it (a target always down)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void prometheusInNamespaceMonitoringMayReachEveryActuator(String env) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : RenderedOverlay.ofKind(env, "Deployment")) {
            ServiceModule service = ServiceModule.of(RenderedOverlay.name(deployment));
            if (!service.exposesPrometheus()) {
                continue;
            }
            Map<String, Object> podLabels = Yamls.mapAt(deployment, "spec", "template", "metadata", "labels");
            boolean allowed = RenderedOverlay.ofKind(env, "NetworkPolicy").stream()
                    .filter(policy -> selects(Yamls.mapAt(policy, "spec", "podSelector"), podLabels))
                    .flatMap(policy -> Yamls.listAt(policy, "spec", "ingress").stream())
                    .anyMatch(rule -> Yamls.listAt(rule, "from").stream().anyMatch(peer ->
                            "monitoring".equals(Yamls.stringAt(peer, "namespaceSelector", "matchLabels",
                                    "kubernetes.io/metadata.name")))
                            && Yamls.listAt(rule, "ports").stream().anyMatch(port ->
                            String.valueOf(service.actuatorPort()).equals(Yamls.stringAt(port, "port"))));
            if (!allowed) {
                problems.add(RenderedOverlay.name(deployment) + ": no NetworkPolicy lets namespace monitoring reach port "
                        + service.actuatorPort());
            }
        }
        assertThat(problems).isEmpty();
    }

    /** A label selector (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist) against labels. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        for (Map.Entry<String, Object> entry : Yamls.mapAt(selector, "matchLabels").entrySet()) {
            if (!Objects.equals(String.valueOf(entry.getValue()), String.valueOf(labels.get(entry.getKey())))) {
                return false;
            }
        }
        for (Object expression : Yamls.listAt(selector, "matchExpressions")) {
            String key = Yamls.stringAt(expression, "key");
            List<String> values = Yamls.listAt(expression, "values").stream().map(String::valueOf).toList();
            Object value = labels.get(key);
            boolean matches = switch (String.valueOf(Yamls.stringAt(expression, "operator"))) {
                case "In" -> value != null && values.contains(String.valueOf(value));
                case "NotIn" -> value == null || !values.contains(String.valueOf(value));
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalStateException("unknown selector operator in " + expression);
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }
}
