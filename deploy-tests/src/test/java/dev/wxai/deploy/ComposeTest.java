package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: the whole stack, started in order, configured only by documented variables. */
class ComposeTest {

    private static final Map<String, Object> COMPOSE = Yamls.load(Repo.path("docker-compose.yml"));
    private static final Map<String, Object> SERVICES = Yamls.mapAt(COMPOSE, "services");
    private static final String HEALTHY = "service_healthy";
    private static final String COMPLETED = "service_completed_successfully";

    @Test
    void everyServiceModuleRunsFromTheRootDockerfileUnderItsOwnName() {
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            Object service = SERVICES.get(module);
            if (service == null) {
                problems.add(module + ": no compose service of that name (the others call it by this name)");
                continue;
            }
            if (!module.equals(Yamls.stringAt(service, "build", "args", "MODULE"))
                    || !".".equals(Yamls.stringAt(service, "build", "context"))) {
                problems.add(module + ": not built from the root context with MODULE=" + module);
            }
            String dockerfile = Yamls.stringAt(service, "build", "dockerfile");
            if (dockerfile != null && !dockerfile.equals("Dockerfile")) {
                problems.add(module + ": built from " + dockerfile + " instead of the root Dockerfile");
            }
        }
        assertThat(appServices()).as("compose services built from the Dockerfile")
                .hasSameSizeAs(Repo.SERVICE_MODULES);
        assertThat(problems).isEmpty();
    }

    @Test
    void kafkaIsOneOfficialKraftNodeThatCreatesNoTopicsByItself() {
        Object kafka = SERVICES.get("kafka");
        assertThat(Yamls.stringAt(kafka, "image")).startsWith("apache/kafka:");
        Map<String, String> environment = environment(kafka);
        assertThat(environment.get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
        assertThat(environment.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))
                .as("a consumer subscribing first would create a topic with one partition").isEqualTo("false");
        assertThat(environment.get("CLUSTER_ID")).as("KRaft needs a fixed cluster id across restarts").isNotBlank();
    }

    @Test
    void redisAndMysqlAreOfficialImagesAndInfrastructureHasHealthChecks() {
        assertThat(Yamls.stringAt(SERVICES.get("redis"), "image")).matches("redis:7(\\..*)?");
        assertThat(Yamls.stringAt(SERVICES.get("mysql"), "image")).matches("mysql:8(\\..*)?");
        for (String infrastructure : List.of("kafka", "redis", "mysql")) {
            assertThat(Yamls.listAt(SERVICES.get(infrastructure), "healthcheck", "test"))
                    .as(infrastructure + " health check").isNotEmpty();
        }
    }

    @Test
    void topicsAreCreatedWithThePartitionsTheServicesExpect() {
        Object init = SERVICES.get("kafka-init");
        assertThat(dependsOn(init)).containsEntry("kafka", HEALTHY);
        Matcher topic = Pattern.compile("--topic\\s+(\\S+)\\s+--partitions\\s+(\\d+)").matcher(command(init));
        Map<String, Integer> created = new LinkedHashMap<>();
        while (topic.find()) {
            created.put(topic.group(1), Integer.parseInt(topic.group(2)));
        }
        int inbound = Integer.parseInt(ServiceModule.of("wechat-ingress-service").required("wxai.kafka.inbound-partitions"));
        int orderEvents = Integer.parseInt(ServiceModule.of("order-service").required("wxai.kafka.order-events-partitions"));
        assertThat(created).isEqualTo(Map.of(Topics.INBOUND, inbound, Topics.INBOUND_DLT, inbound,
                Topics.ORDER_EVENTS, orderEvents, Topics.ORDER_EVENTS_DLT, orderEvents));
    }

    @Test
    void everyDependencyWaitsForHealthOrCompletion() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> service : SERVICES.entrySet()) {
            Object declared = Yamls.at(service.getValue(), "depends_on");
            if (declared instanceof List) {
                problems.add(service.getKey() + ": depends_on without conditions only waits for a container to exist");
                continue;
            }
            for (Map.Entry<String, String> dependency : dependsOn(service.getValue()).entrySet()) {
                String target = dependency.getKey();
                String condition = dependency.getValue();
                if (!SERVICES.containsKey(target)) {
                    problems.add(service.getKey() + " depends on unknown " + target);
                } else if (condition.equals(HEALTHY)) {
                    if (!hasHealthCheck(target)) {
                        problems.add(service.getKey() + " waits for " + target + " to be healthy; it has no health check");
                    }
                } else if (condition.equals(COMPLETED)) {
                    if (appServices().containsKey(target) || !"no".equals(Yamls.stringAt(SERVICES.get(target), "restart"))) {
                        problems.add(service.getKey() + " waits for " + target + " to complete; it is not a one-shot (restart: \"no\")");
                    }
                } else {
                    problems.add(service.getKey() + " -> " + target + ": condition " + condition);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void servicesStartOnlyAfterWhatTheyUseIsReady() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> app : appServices().entrySet()) {
            String name = app.getKey();
            ServiceModule module = ServiceModule.of(app.getValue());
            Map<String, String> dependsOn = dependsOn(SERVICES.get(name));
            Map<String, String> environment = environment(SERVICES.get(name));
            Map<String, String> needs = new LinkedHashMap<>();
            if (module.configures("spring.kafka.")) {
                needs.put("kafka-init", COMPLETED);
            }
            if (module.configures("spring.data.redis.")) {
                needs.put("redis", HEALTHY);
            }
            if (module.configures("spring.r2dbc.")) {
                needs.put("mysql", HEALTHY);
            }
            for (Map.Entry<String, String> variable : environment.entrySet()) {
                String value = String.valueOf(variable.getValue());
                if (value.startsWith("/keys/")) {
                    needs.put("keys", COMPLETED);
                }
                // Addresses the service calls (not callback addresses it hands to others, like WXAI_PAY_NOTIFYURL).
                if ((variable.getKey().endsWith("BASEURL") || variable.getKey().endsWith("URI"))
                        && value.startsWith("http")) {
                    String host = URI.create(value).getHost();
                    if (SERVICES.containsKey(host)) {
                        needs.put(host, HEALTHY);
                    }
                }
            }
            needs.forEach((target, condition) -> {
                if (!condition.equals(dependsOn.get(target))) {
                    problems.add(name + " must wait for " + target + " (" + condition + "), has " + dependsOn.get(target));
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void ingressAndWorkerRunTwoReplicasWithoutFixedHostPorts() {
        for (String replicated : List.of("wechat-ingress-service", "ai-worker-service")) {
            Object service = SERVICES.get(replicated);
            assertThat(Yamls.at(service, "deploy", "replicas")).as(replicated + " replicas").isEqualTo(2);
            assertThat(Yamls.at(service, "ports")).as(replicated + ": two replicas cannot publish one host port").isNull();
            assertThat(Yamls.at(service, "container_name")).as(replicated + ": a fixed name allows one container").isNull();
        }
    }

    @Test
    void publishedPortsAreTheServicesOwnPorts() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> app : appServices().entrySet()) {
            int port = effectivePort(app.getKey(), app.getValue());
            for (Object published : Yamls.listAt(SERVICES.get(app.getKey()), "ports")) {
                String spec = String.valueOf(published).replaceAll("/(tcp|udp)$", "");
                String container = spec.substring(spec.lastIndexOf(':') + 1);
                if (!container.equals(String.valueOf(port))) {
                    problems.add(app.getKey() + " publishes " + published + " but listens on " + port);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(Yamls.listAt(SERVICES.get("gateway-service"), "ports")).as("the gateway is the door").isNotEmpty();
        assertThat(Yamls.listAt(SERVICES.get("sandbox"), "ports")).as("bin/send-message reads the sandbox").isNotEmpty();
    }

    @Test
    void stopGracePeriodOutlastsTheShutdownPhase() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> app : appServices().entrySet()) {
            String grace = Yamls.stringAt(SERVICES.get(app.getKey()), "stop_grace_period");
            ServiceModule module = ServiceModule.of(app.getValue());
            if (grace == null || Durations.parse(grace).compareTo(module.shutdownPhase()) <= 0) {
                problems.add(app.getKey() + ": stop_grace_period " + grace + " must exceed the shutdown phase "
                        + module.shutdownPhase() + " (Docker's default is 10 s)");
            }
        }
        assertThat(problems).isEmpty();
    }

    /** -XX:+ExitOnOutOfMemoryError ends a JVM on purpose: something must start it again. One-shot jobs end for good. */
    @Test
    void everyLongRunningServiceIsRestartedAndOneShotJobsAreNot() {
        List<String> problems = new ArrayList<>();
        SERVICES.forEach((name, service) -> {
            String restart = Yamls.stringAt(service, "restart");
            boolean oneShot = SERVICES.values().stream().anyMatch(other -> "service_completed_successfully".equals(
                    Yamls.stringAt(other, "depends_on", name, "condition")));
            if (oneShot && !"no".equals(restart)) {
                problems.add(name + ": a one-shot job (others wait for it to complete) must keep restart: \"no\"");
            } else if (!oneShot && !"unless-stopped".equals(restart) && !"always".equals(restart)) {
                problems.add(name + ": restart is " + restart + "; a crashed or out-of-memory service would stay down");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyJavaServiceHasAMemoryLimitToSizeItsHeapFrom() {
        List<String> problems = new ArrayList<>();
        for (String name : appServices().keySet()) {
            if (Yamls.stringAt(SERVICES.get(name), "deploy", "resources", "limits", "memory") == null) {
                problems.add(name + ": no deploy.resources.limits.memory; -XX:MaxRAMPercentage would size from the host");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void environmentUsesOnlyDocumentedVariablesThatTheServiceReads() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> app : appServices().entrySet()) {
            String module = app.getValue();
            for (Map.Entry<String, String> variable : environment(SERVICES.get(app.getKey())).entrySet()) {
                String name = variable.getKey();
                if (!ConfigurationTable.documents(name)) {
                    problems.add(app.getKey() + ": " + name + " is not in the README's configuration table");
                } else if (!ConfigurationTable.readers(name).contains(module)) {
                    problems.add(app.getKey() + ": the README says " + name + " is for " + ConfigurationTable.readers(name));
                }
                String whyNot = PropertyCatalog.get().whyNotBound(module, name);
                if (whyNot != null) {
                    problems.add(app.getKey() + ": " + whyNot);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void infrastructureAddressesPointAtTheComposeServices() {
        Map<String, String> kafka = environment(SERVICES.get("kafka"));
        String advertised = kafka.get("KAFKA_ADVERTISED_LISTENERS").replaceAll("^[A-Z_]+://", "");
        Map<String, String> mysql = environment(SERVICES.get("mysql"));
        List<String> problems = new ArrayList<>();
        for (String name : appServices().keySet()) {
            Map<String, String> environment = environment(SERVICES.get(name));
            expect(problems, name, environment, "SPRING_KAFKA_BOOTSTRAPSERVERS", advertised);
            expect(problems, name, environment, "WXAI_DB_HOST", "mysql");
            expect(problems, name, environment, "WXAI_DB_NAME", mysql.get("MYSQL_DATABASE"));
            expect(problems, name, environment, "SPRING_R2DBC_USERNAME", mysql.get("MYSQL_USER"));
            expect(problems, name, environment, "SPRING_R2DBC_PASSWORD", mysql.get("MYSQL_PASSWORD"));
            String redis = environment.get("SPRING_DATA_REDIS_URL");
            if (redis != null && !"redis".equals(URI.create(redis).getHost())) {
                problems.add(name + ": SPRING_DATA_REDIS_URL " + redis + " is not the redis service");
            }
            for (String value : environment.values()) {
                if (String.valueOf(value).startsWith("/keys/")) {
                    String file = value.substring("/keys/".length());
                    boolean mounted = Yamls.listAt(SERVICES.get(name), "volumes").stream()
                            .anyMatch(volume -> String.valueOf(volume).startsWith("pay-keys:/keys"));
                    if (!mounted || !command(SERVICES.get("keys")).contains(file)) {
                        problems.add(name + ": " + value + " is not a file the keys service makes in the mounted pay-keys volume");
                    }
                }
            }
        }
        assertThat(command(SERVICES.get("kafka-init"))).contains("--bootstrap-server " + advertised);
        assertThat(problems).isEmpty();
    }

    @Test
    void observabilityProfileScrapesEveryServiceOnItsPort() {
        for (String tool : List.of("prometheus", "grafana")) {
            assertThat(Yamls.listAt(SERVICES.get(tool), "profiles")).as(tool).containsExactly("observability");
        }
        assertThat(Yamls.listAt(SERVICES.get("prometheus"), "volumes"))
                .anyMatch(volume -> String.valueOf(volume).startsWith("./observability/prometheus/prometheus.yml:"));
        assertThat(Yamls.listAt(SERVICES.get("grafana"), "volumes"))
                .anyMatch(volume -> String.valueOf(volume).startsWith("./observability/grafana/dashboards:"));
        assertThat(Files.isDirectory(Repo.path("observability", "grafana", "dashboards"))).isTrue();

        Map<String, Object> prometheus = Yamls.load(Repo.path("observability", "prometheus", "prometheus.yml"));
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            ServiceModule service = ServiceModule.of(module);
            if (!service.exposesPrometheus()) {
                continue;
            }
            boolean scraped = Yamls.listAt(prometheus, "scrape_configs").stream().anyMatch(job ->
                    (service.actuatorBasePath() + "/prometheus").equals(Yamls.stringAt(job, "metrics_path"))
                            && Yamls.listAt(job, "dns_sd_configs").stream().anyMatch(sd ->
                                    Yamls.listAt(sd, "names").contains(module)
                                            && String.valueOf(service.actuatorPort()).equals(Yamls.stringAt(sd, "port"))));
            if (!scraped) {
                problems.add(module + ": no scrape job for " + module + ":" + service.actuatorPort()
                        + service.actuatorBasePath() + "/prometheus");
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void expect(List<String> problems, String service, Map<String, String> environment, String variable,
                               String expected) {
        if (environment.containsKey(variable) && !String.valueOf(environment.get(variable)).equals(expected)) {
            problems.add(service + ": " + variable + "=" + environment.get(variable) + ", expected " + expected);
        }
    }

    /** Compose services built from the Dockerfile: compose name -> module. */
    private static Map<String, String> appServices() {
        Map<String, String> apps = new LinkedHashMap<>();
        SERVICES.forEach((name, definition) -> {
            String module = Yamls.stringAt(definition, "build", "args", "MODULE");
            if (module != null) {
                apps.put(name, module);
            }
        });
        return apps;
    }

    private static boolean hasHealthCheck(String service) {
        Object definition = SERVICES.get(service);
        if (Boolean.TRUE.equals(Yamls.at(definition, "healthcheck", "disable"))) {
            return false;
        }
        // Services built from the Dockerfile inherit its HEALTHCHECK (DockerImageTest).
        return Yamls.at(definition, "healthcheck", "test") != null || appServices().containsKey(service);
    }

    private static int effectivePort(String service, String module) {
        String override = environment(SERVICES.get(service)).get("SERVER_PORT");
        return override == null ? ServiceModule.of(module).port() : Integer.parseInt(override);
    }

    /** depends_on as target -> condition (long form); the short list form maps every target to "". */
    private static Map<String, String> dependsOn(Object service) {
        Map<String, String> dependencies = new LinkedHashMap<>();
        Object declared = Yamls.at(service, "depends_on");
        if (declared instanceof List<?> list) {
            list.forEach(target -> dependencies.put(String.valueOf(target), ""));
        } else if (declared instanceof Map<?, ?> map) {
            map.forEach((target, options) -> dependencies.put(String.valueOf(target),
                    String.valueOf(Yamls.stringAt(options, "condition"))));
        }
        return dependencies;
    }

    private static Map<String, String> environment(Object service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = Yamls.at(service, "environment");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((name, value) -> {
                if (value instanceof Boolean) {
                    throw new IllegalStateException(name + ": compose refuses booleans in environment; quote it");
                }
                environment.put(String.valueOf(name), value == null ? null : String.valueOf(value));
            });
        } else if (declared instanceof List<?> list) {
            for (Object item : list) {
                String entry = String.valueOf(item);
                int equals = entry.indexOf('=');
                environment.put(equals < 0 ? entry : entry.substring(0, equals), equals < 0 ? null : entry.substring(equals + 1));
            }
        }
        return environment;
    }

    /** entrypoint and command of a service as one text. */
    private static String command(Object service) {
        StringBuilder text = new StringBuilder();
        for (String field : List.of("entrypoint", "command")) {
            Object part = Yamls.at(service, field);
            if (part instanceof List<?> list) {
                list.forEach(item -> text.append(item).append('\n'));
            } else if (part != null) {
                text.append(part).append('\n');
            }
        }
        return text.toString();
    }
}
