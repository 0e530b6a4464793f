package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * observability/prometheus/alerts.yml: well-formed rules on the metric contract, the failures the issue names, unit
 * tests for each, the same rules in the Kubernetes PrometheusRule, and a line for each in the README.
 */
class AlertRulesTest {

    private static final Set<String> RULE_KEYS = Set.of("alert", "expr", "for", "keep_firing_for", "labels", "annotations");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning");
    private static final Pattern DURATION = Pattern.compile("(\\d+[smhdw])+");
    private static final Pattern ALERT_IN_TEST = Pattern.compile("alertname=\"(\\w+)\"");
    private static final Pattern JOB_MATCHER = Pattern.compile("(=|=~)\"([\\w|-]+)\"");

    /** The failures issue #8 asks alerts for, and the `for` each must wait (null: fires at once). */
    private static final Map<String, String> REQUIRED = new java.util.LinkedHashMap<>();

    static {
        REQUIRED.put("WxaiDeepSeekCircuitOpen", "1m");
        REQUIRED.put("WxaiInboundLagGrowing", "5m");
        REQUIRED.put("WxaiDeadLettersWritten", null);
        REQUIRED.put("WxaiPayNotificationsRejected", null);
        REQUIRED.put("WxaiPayNotifyServerErrors", null);
        REQUIRED.put("WxaiIngressPublishFailures", "2m");
        REQUIRED.put("WxaiRepliesFailing", "5m");
        REQUIRED.put("WxaiRateLimiterFailingOpen", null);
        REQUIRED.put("WxaiServiceDown", "2m");
        REQUIRED.put("WxaiInstanceDown", "2m");
        REQUIRED.put("WxaiServiceAbsent", "5m");
    }

    @Test
    void everyRuleIsAnAlertWithSeveritySummaryDescriptionAndRunbook() {
        Map<String, Object> file = Yamls.load(Observability.ALERTS);
        assertThat(file.keySet()).containsExactly("groups");
        List<String> problems = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        Set<String> alerts = new HashSet<>();
        for (Object group : Yamls.listAt(file, "groups")) {
            String groupName = Yamls.stringAt(group, "name");
            if (groupName == null || !groups.add(groupName)) {
                problems.add("group " + groupName + ": needs a unique name");
            }
            if (Yamls.listAt(group, "rules").isEmpty()) {
                problems.add("group " + groupName + " has no rules");
            }
            for (Object item : Yamls.listAt(group, "rules")) {
                Map<String, Object> rule = Yamls.map(item);
                String name = Yamls.stringAt(rule, "alert");
                String id = groupName + "/" + name;
                if (name == null || !name.matches("Wxai[A-Z][A-Za-z0-9]+") || !alerts.add(name)) {
                    problems.add(id + ": every rule is an alert with a unique name Wxai…");
                }
                for (String key : rule.keySet()) {
                    if (!RULE_KEYS.contains(key)) {
                        problems.add(id + ": unknown key " + key);
                    }
                }
                if (Yamls.stringAt(rule, "expr") == null || Yamls.stringAt(rule, "expr").isBlank()) {
                    problems.add(id + ": no expr");
                }
                String wait = Yamls.stringAt(rule, "for");
                if (wait != null && !DURATION.matcher(wait).matches()) {
                    problems.add(id + ": for " + wait + " is not a Prometheus duration");
                }
                if (!SEVERITIES.contains(Yamls.stringAt(rule, "labels", "severity"))) {
                    problems.add(id + ": labels.severity must be one of " + SEVERITIES);
                }
                for (String annotation : List.of("summary", "description", "runbook")) {
                    String text = Yamls.stringAt(rule, "annotations", annotation);
                    if (text == null || text.isBlank()) {
                        problems.add(id + ": no " + annotation + " annotation");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theFailuresTheIssueNamesHaveTheirAlerts() {
        Map<String, Map<String, Object>> rules = Observability.alertRules();
        List<String> problems = new ArrayList<>();
        REQUIRED.forEach((name, wait) -> {
            Map<String, Object> rule = rules.get(name);
            if (rule == null) {
                problems.add("no alert " + name);
            } else if (!java.util.Objects.equals(wait, Yamls.stringAt(rule, "for"))) {
                problems.add(name + ": for " + Yamls.stringAt(rule, "for") + ", expected " + wait);
            }
        });
        assertThat(problems).isEmpty();
        assertThat(Yamls.stringAt(rules.get("WxaiDeepSeekCircuitOpen"), "expr"))
                .contains("name=\"deepseek\"").contains("state=~\"open|half_open");
        assertThat(Yamls.stringAt(rules.get("WxaiInboundLagGrowing"), "expr"))
                .as("Kafka reports the topic as wechat_inbound or wechat.inbound").contains("topic=~\"wechat[._]inbound\"");
        assertThat(Yamls.stringAt(rules.get("WxaiPayNotifyServerErrors"), "expr"))
                .contains("uri=\"/pay/notify\"").contains("status=~\"5..\"");
    }

    /** Alerts on `up` (down, absent) name the jobs they watch; those must be exactly the jobs prometheus.yml scrapes. */
    @Test
    void availabilityAlertsWatchExactlyTheScrapedJobs() {
        Set<String> scraped = new TreeSet<>();
        for (Object job : Yamls.listAt(Yamls.load(Observability.PROMETHEUS_YML), "scrape_configs")) {
            scraped.add(Yamls.stringAt(job, "job_name"));
        }
        List<String> problems = new ArrayList<>();
        int watching = 0;
        for (Map.Entry<String, Map<String, Object>> alert : Observability.alertRules().entrySet()) {
            Set<String> jobs = new TreeSet<>();
            boolean readsUp = false;
            for (Observability.Selector selector : Observability.selectors(Yamls.stringAt(alert.getValue(), "expr"))) {
                if (!selector.metric().equals("up")) {
                    continue;
                }
                readsUp = true;
                String matcher = selector.matchers().get("job");
                Matcher value = JOB_MATCHER.matcher(String.valueOf(matcher));
                if (!value.matches()) {
                    problems.add(alert.getKey() + ": up without job=\"…\" or job=~\"a|b\": " + matcher);
                    continue;
                }
                jobs.addAll(List.of(value.group(2).split("\\|")));
            }
            if (readsUp) {
                watching++;
                if (!jobs.equals(scraped)) {
                    problems.add(alert.getKey() + " watches " + jobs + ", prometheus.yml scrapes " + scraped);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(watching).as("alerts on up").isGreaterThanOrEqualTo(2);
    }

    @Test
    void alertsReadOnlyMetricsAndLabelsOfTheContract() {
        Map<String, Observability.Metric> contract = Observability.contract();
        List<String> problems = new ArrayList<>();
        Observability.alertRules().forEach((name, rule) ->
                problems.addAll(Observability.contractProblems("alert " + name, Yamls.stringAt(rule, "expr"), contract)));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyAlertHasAUnitTestThatSeesItFire() {
        Map<String, Object> tests = Yamls.load(Observability.ALERT_TESTS);
        assertThat(Yamls.listAt(tests, "rule_files")).containsExactly(Observability.ALERTS.getFileName().toString());
        Set<String> fired = new LinkedHashSet<>();
        Matcher matcher = ALERT_IN_TEST.matcher(Repo.read(Observability.ALERT_TESTS));
        while (matcher.find()) {
            fired.add(matcher.group(1));
        }
        assertThat(fired).as("alerts expected to fire in alerts.test.yml")
                .containsExactlyInAnyOrderElementsOf(Observability.alertRules().keySet());
    }

    /** promtool (Debian's prometheus package) checks the syntax and runs the unit tests. */
    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() {
        Observability.Run check = Observability.promtool(Observability.PROMETHEUS_DIR, "check", "rules", "alerts.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        Observability.Run test = Observability.promtool(Observability.PROMETHEUS_DIR, "test", "rules", "alerts.test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
        Observability.Run config = Observability.promtool(Observability.PROMETHEUS_DIR, "check", "config", "prometheus.yml");
        assertThat(config.exitCode()).as(config.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void kubernetesGetsTheSameRulesAsAPrometheusRule(String env) {
        List<Map<String, Object>> rules = RenderedOverlay.ofKind(env, "PrometheusRule");
        assertThat(rules).as("one PrometheusRule").hasSize(1);
        assertThat(Yamls.stringAt(rules.get(0), "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(Yamls.at(rules.get(0), "spec", "groups"))
                .as("spec.groups of k8s/base/observability/prometheus-rule.yaml must equal the groups of "
                        + "observability/prometheus/alerts.yml; regenerate it with the command in its header")
                .isEqualTo(Yamls.load(Observability.ALERTS).get("groups"));
    }

    @Test
    void theReadmeTablesEveryAlert() {
        String readme = Repo.read(Repo.path("README.md"));
        List<String> missing = Observability.alertRules().keySet().stream()
                .filter(name -> !readme.contains("| `" + name + "` |"))
                .toList();
        assertThat(missing).as("alerts without a row `| `Name` | … |` in the README's alerts table").isEmpty();
    }
}
