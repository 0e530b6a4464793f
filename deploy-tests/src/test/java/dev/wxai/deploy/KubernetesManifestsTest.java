package dev.wxai.deploy;

import static dev.wxai.deploy.RenderedOverlay.find;
import static dev.wxai.deploy.RenderedOverlay.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/: every file parses, both overlays render with the real {@code kubectl kustomize} ({@link RenderedOverlay}), and
 * what they would apply fits the services: probes, resources, shutdown, configuration names, ports, scaling, topics
 * and network exposure.
 */
class KubernetesManifestsTest {

    private static final String CONFIG_MAP = "wxai-config";
    private static final String SECRET = "wxai-secrets";
    private static final Pattern SLEEP = Pattern.compile("sleep\\s+(\\d+)");

    @Test
    void everyManifestParsesAndNamesItsKind() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Repo.path("k8s"))) {
            files = walk.filter(Files::isRegularFile)
                    .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .toList();
        }
        assertThat(files).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            for (Map<String, Object> document : Yamls.loadAll(file)) {
                if (document.get("apiVersion") == null || document.get("kind") == null) {
                    problems.add(Repo.ROOT.relativize(file) + ": a document without apiVersion or kind");
                } else if (!file.getFileName().toString().startsWith("kustomization")
                        && Yamls.stringAt(document, "metadata", "name") == null) {
                    problems.add(Repo.ROOT.relativize(file) + ": " + document.get("kind") + " without metadata.name");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * kubectl kustomize fails on a missing resource file, a patch without a target or a resource defined twice; what
     * it renders must still hold every kind of resource the services depend on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayRendersEveryKindTheServicesNeed(String env) {
        assertThat(RenderedOverlay.of(env)).extracting(resource -> resource.get("kind")).contains("Namespace", "ConfigMap",
                "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject", "KafkaTopic",
                "NetworkPolicy", "PrometheusRule");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayPutsEverythingInItsNamespace(String env) {
        String namespace = namespace(env);
        assertThat(find(env, "Namespace", namespace)).as("the Namespace itself").isNotNull();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : RenderedOverlay.of(env)) {
            String kind = String.valueOf(resource.get("kind"));
            if (!kind.equals("Namespace") && !namespace.equals(Yamls.stringAt(resource, "metadata", "namespace"))) {
                problems.add(kind + "/" + RenderedOverlay.name(resource) + " is not in " + namespace);
            }
            if (kind.equals("RoleBinding")) {
                for (Object subject : Yamls.listAt(resource, "subjects")) {
                    if ("ServiceAccount".equals(Yamls.stringAt(subject, "kind"))
                            && !namespace.equals(Yamls.stringAt(subject, "namespace"))) {
                        problems.add("RoleBinding/" + RenderedOverlay.name(resource) + " binds a ServiceAccount outside " + namespace);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceRunsAsADeploymentOfItsOwnImage(String env) {
        List<String> deployments = ofKind(env, "Deployment").stream().map(RenderedOverlay::name).toList();
        assertThat(deployments).containsExactlyInAnyOrderElementsOf(modules(env));
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            List<Object> containers = Yamls.listAt(find(env, "Deployment", module), "spec", "template", "spec", "containers");
            if (containers.size() != 1 || !module.equals(Yamls.stringAt(containers.get(0), "name"))) {
                problems.add(module + ": expected one container named " + module);
                continue;
            }
            String image = Yamls.stringAt(containers.get(0), "image");
            String repository = image.replaceAll("[:@][^/]*$", "");
            String tag = image.substring(repository.length());
            if (!repository.equals("wxai/" + module) && !repository.endsWith("/wxai/" + module)) {
                problems.add(module + ": runs " + image + ", not the image bin/images builds for it (wxai/" + module + ")");
            }
            if (env.equals("prod") && (repository.equals("wxai/" + module) || tag.equals(":dev") || tag.equals(":latest")
                    || tag.isEmpty())) {
                problems.add(module + ": prod runs " + image + "; use a registry and a pinned version (images: in the overlay)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAskTheHealthGroupsTheServiceExposesOnItsPort(String env) {
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            ServiceModule service = ServiceModule.of(module);
            Map<String, Object> container = container(env, module);
            if (!service.exposesProbes()) {
                problems.add(module + ": application.yml does not enable the liveness and readiness groups");
            }
            // The actuator has a port of its own, named `management` (the sandbox's fake answers on its only port);
            // a service with an API serves it on `http`. The worker has no API: server.port is its actuator's.
            boolean hasApi = module.equals("sandbox") || service.port() != service.actuatorPort();
            if (hasApi && containerPort(container, "http") != service.port()) {
                problems.add(module + ": container port " + containerPort(container, "http") + " is not server.port " + service.port());
            }
            if (!module.equals("sandbox") && containerPort(container, "management") != service.actuatorPort()) {
                problems.add(module + ": container port management " + containerPort(container, "management")
                        + " is not the actuator's " + service.actuatorPort());
            }
            Map<String, String> expected = Map.of(
                    "livenessProbe", service.actuatorBasePath() + "/health/liveness",
                    "readinessProbe", service.actuatorBasePath() + "/health/readiness",
                    "startupProbe", service.actuatorBasePath() + "/health/liveness");
            for (Map.Entry<String, String> probe : expected.entrySet()) {
                Object httpGet = Yamls.at(container, probe.getKey(), "httpGet");
                if (httpGet == null) {
                    if (!probe.getKey().equals("startupProbe")) {
                        problems.add(module + ": no HTTP " + probe.getKey());
                    }
                    continue;
                }
                if (!probe.getValue().equals(Yamls.stringAt(httpGet, "path"))) {
                    problems.add(module + ": " + probe.getKey() + " asks " + Yamls.stringAt(httpGet, "path")
                            + ", the service answers " + probe.getValue());
                }
                if (containerPort(container, Yamls.stringAt(httpGet, "port")) != service.actuatorPort()) {
                    problems.add(module + ": " + probe.getKey() + " asks port " + Yamls.stringAt(httpGet, "port")
                            + ", the actuator is on " + service.actuatorPort());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void resourcesAreRequestedAndMemoryIsLimited(String env) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : Stream.concat(ofKind(env, "Deployment").stream(), ofKind(env, "Job").stream()).toList()) {
            for (Map<String, Object> container : containers(workload)) {
                String id = RenderedOverlay.name(workload) + "/" + Yamls.stringAt(container, "name");
                String cpu = Yamls.stringAt(container, "resources", "requests", "cpu");
                String request = Yamls.stringAt(container, "resources", "requests", "memory");
                String limit = Yamls.stringAt(container, "resources", "limits", "memory");
                if (cpu == null || request == null || limit == null) {
                    problems.add(id + ": needs requests.cpu, requests.memory and limits.memory (the JVM sizes its heap from it)");
                } else if (bytes(limit) < bytes(request)) {
                    problems.add(id + ": memory limit " + limit + " below its request " + request);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gracePeriodOutlastsPreStopAndTheShutdownPhase(String env) {
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            Map<String, Object> deployment = find(env, "Deployment", module);
            Map<String, Object> container = container(env, module);
            long preStop = preStopSeconds(container);
            long phase = ServiceModule.of(module).shutdownPhase().toSeconds();
            Object grace = Yamls.at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
            if (preStop <= 0) {
                problems.add(module + ": no preStop sleep; the pod would get SIGTERM while endpoints still send it traffic");
            }
            if (!(grace instanceof Integer seconds) || seconds <= preStop + phase) {
                problems.add(module + ": terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStop
                        + " s + timeout-per-shutdown-phase " + phase + " s");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void environmentUsesOnlyDocumentedVariablesThatTheServiceReads(String env) {
        Map<String, Object> configMap = find(env, "ConfigMap", CONFIG_MAP);
        Map<String, Object> secret = find(env, "Secret", SECRET);
        String operatorGuide = Repo.read(Repo.path("k8s", "README.md"));
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            Map<String, Object> container = container(env, module);
            if (container.get("envFrom") != null) {
                problems.add(module + ": envFrom hands every key to every service; name each variable in env");
            }
            for (Object item : Yamls.list(container.get("env"))) {
                String name = Yamls.stringAt(item, "name");
                if (!ConfigurationTable.documents(name)) {
                    problems.add(module + ": " + name + " is not in the README's configuration table");
                } else if (!ConfigurationTable.readers(name).contains(module)) {
                    problems.add(module + ": the README says " + name + " is for " + ConfigurationTable.readers(name));
                }
                // Read by the JVM itself (its flags), not bound to a Spring property.
                String whyNot = JVM_VARIABLES.contains(name) ? null : PropertyCatalog.get().whyNotBound(module, name);
                if (whyNot != null) {
                    problems.add(module + ": " + whyNot);
                }
                Object fromConfig = Yamls.at(item, "valueFrom", "configMapKeyRef");
                Object fromSecret = Yamls.at(item, "valueFrom", "secretKeyRef");
                Object ref = fromConfig != null ? fromConfig : fromSecret;
                if (ref == null) {
                    continue;
                }
                String refName = Yamls.stringAt(ref, "name");
                String key = Yamls.stringAt(ref, "key");
                boolean optional = Boolean.TRUE.equals(Yamls.at(ref, "optional"));
                // A Kafka user's password: the Secret Strimzi's User Operator writes, named after the KafkaUser.
                if (fromSecret != null && find(env, "KafkaUser", refName) != null) {
                    if (!"password".equals(key)) {
                        problems.add(module + ": " + name + " reads key " + key + " of KafkaUser " + refName + "'s Secret");
                    }
                    continue;
                }
                // Production's Redis URL: the service's own ACL user's, keyed by that user (RedisUsersTest).
                if (fromSecret != null && RedisUsersTest.SECRET.equals(refName) && env.equals("prod")) {
                    if (!operatorGuide.contains("`" + RedisUsersTest.SECRET + "`")) {
                        problems.add(module + ": k8s/README.md does not tell operators to create " + refName);
                    }
                    continue;
                }
                if (!name.equals(key)) {
                    problems.add(module + ": " + name + " reads key " + key + "; keys carry the variable's own name");
                }
                if (fromConfig != null) {
                    if (!CONFIG_MAP.equals(refName) || !optional && !Yamls.mapAt(configMap, "data").containsKey(key)) {
                        problems.add(module + ": " + name + " needs key " + key + " in ConfigMap " + CONFIG_MAP);
                    }
                } else if (!SECRET.equals(refName)) {
                    problems.add(module + ": " + name + " reads Secret " + refName + ", not " + SECRET);
                } else if (env.equals("prod")) {
                    if (!operatorGuide.contains("`" + key + "`")) {
                        problems.add(module + ": k8s/README.md does not tell operators to put " + key + " into " + SECRET);
                    }
                } else if (!optional && !secretKeys(secret).contains(key)) {
                    problems.add(module + ": " + name + " needs key " + key + " in the dev Secret " + SECRET);
                }
            }
        }
        if (env.equals("prod")) {
            assertThat(secret).as("production secrets are created out of band, never kept in the repository").isNull();
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void configMapAndSecretHoldDocumentedVariablesThatSomeServiceUses(String env) {
        Map<String, Object> configMap = find(env, "ConfigMap", CONFIG_MAP);
        assertThat(configMap).as("ConfigMap " + CONFIG_MAP).isNotNull();
        List<String> used = new ArrayList<>();
        for (String module : modules(env)) {
            for (Object item : Yamls.list(container(env, module).get("env"))) {
                used.add(Yamls.stringAt(item, "name"));
            }
        }
        List<String> problems = new ArrayList<>();
        Yamls.mapAt(configMap, "data").forEach((key, value) -> {
            if (!(value instanceof String)) {
                problems.add(CONFIG_MAP + "." + key + " = " + value + ": ConfigMap values must be strings (quote it)");
            }
            if (!ConfigurationTable.documents(key)) {
                problems.add(CONFIG_MAP + "." + key + " is not in the README's configuration table");
            }
            if (!used.contains(key)) {
                problems.add(CONFIG_MAP + "." + key + " is read by no Deployment");
            }
        });
        Map<String, Object> secret = find(env, "Secret", SECRET);
        for (String key : secretKeys(secret)) {
            if (!ConfigurationTable.documents(key)) {
                problems.add(SECRET + "." + key + " is not in the README's configuration table");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noServiceOrIngressExposesAManagementPort(String env) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> managementPorts = new HashMap<>(); // per Deployment: the port's name and number
        for (Map<String, Object> deployment : ofKind(env, "Deployment")) {
            Set<String> ports = new HashSet<>();
            for (Map<String, Object> container : containers(deployment)) {
                for (Object entry : Yamls.listAt(container, "ports")) {
                    if ("management".equals(Yamls.stringAt(entry, "name"))) {
                        ports.add("management");
                        ports.add(Yamls.stringAt(entry, "containerPort"));
                    }
                }
            }
            managementPorts.put(RenderedOverlay.name(deployment), ports);
        }
        assertThat(managementPorts.values()).as("management ports found").anyMatch(ports -> !ports.isEmpty());
        Set<String> exposedServices = new HashSet<>();
        for (Map<String, Object> service : ofKind(env, "Service")) {
            Map<String, Object> selector = Yamls.mapAt(service, "spec", "selector");
            for (Map<String, Object> deployment : ofKind(env, "Deployment")) {
                if (!selects(selector, Yamls.mapAt(deployment, "spec", "template", "metadata", "labels"))) {
                    continue;
                }
                Set<String> management = managementPorts.get(RenderedOverlay.name(deployment));
                for (Object entry : Yamls.listAt(service, "spec", "ports")) {
                    String target = Yamls.stringAt(entry, "targetPort");
                    if (management.contains(target == null ? Yamls.stringAt(entry, "port") : target)
                            || management.contains(Yamls.stringAt(entry, "port"))) {
                        problems.add("Service " + RenderedOverlay.name(service) + " exposes the management port of "
                                + RenderedOverlay.name(deployment) + " (" + Yamls.stringAt(entry, "port") + ")");
                    }
                }
            }
        }
        for (Map<String, Object> ingress : ofKind(env, "Ingress")) {
            for (Object rule : Yamls.listAt(ingress, "spec", "rules")) {
                for (Object path : Yamls.listAt(Yamls.at(rule, "http"), "paths")) {
                    exposedServices.add(Yamls.stringAt(path, "backend", "service", "name"));
                    String route = Yamls.stringAt(path, "path");
                    if (!PUBLIC_PATHS.contains(route)) {
                        problems.add("Ingress " + RenderedOverlay.name(ingress) + " routes " + route
                                + "; only " + PUBLIC_PATHS + " are public");
                    }
                    Object port = Yamls.at(path, "backend", "service", "port");
                    String number = Yamls.stringAt(port, "number");
                    if (!"8080".equals(number) && !"http".equals(Yamls.stringAt(port, "name"))) {
                        problems.add("Ingress " + RenderedOverlay.name(ingress) + " sends " + route + " to port "
                                + port + ", not the gateway's public port");
                    }
                }
            }
        }
        assertThat(exposedServices).as("Services behind an Ingress").isSubsetOf(Set.of("gateway-service"));
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesRouteTheirPortToTheDeployment(String env) {
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            ServiceModule serviceModule = ServiceModule.of(module);
            if (!module.equals("sandbox") && serviceModule.port() == serviceModule.actuatorPort()) {
                // No API (the worker): nothing to route, and a Service would only expose its management port.
                assertThat(find(env, "Service", module)).as(module + " has no API; no Service").isNull();
                continue;
            }
            Map<String, Object> service = find(env, "Service", module);
            if (service == null) {
                problems.add(module + ": no Service named " + module + " (the configuration's URLs use that name)");
                continue;
            }
            Map<String, Object> podLabels = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "metadata", "labels");
            if (!selects(Yamls.mapAt(service, "spec", "selector"), podLabels)) {
                problems.add(module + ": the Service's selector does not match the pods");
            }
            String type = Yamls.stringAt(service, "spec", "type");
            if (type != null && !type.equals("ClusterIP")) {
                problems.add(module + ": Service type " + type + "; only an Ingress to the gateway faces outside");
            }
            int port = serviceModule.port();
            boolean routed = Yamls.listAt(service, "spec", "ports").stream().anyMatch(entry ->
                    String.valueOf(port).equals(Yamls.stringAt(entry, "port"))
                            && containerPort(container(env, module), Yamls.stringAt(entry, "targetPort")) == port);
            if (!routed) {
                problems.add(module + ": the Service does not route port " + port + " to the container's port " + port);
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentHasADisruptionBudget(String env) {
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            Map<String, Object> podLabels = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "metadata", "labels");
            boolean covered = ofKind(env, "PodDisruptionBudget").stream().anyMatch(budget ->
                    selects(Yamls.mapAt(budget, "spec", "selector", "matchLabels"), podLabels)
                            && (Yamls.at(budget, "spec", "maxUnavailable") != null
                                || Yamls.at(budget, "spec", "minAvailable") != null));
            if (!covered) {
                problems.add(module + ": no PodDisruptionBudget selects its pods");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gatewayAndIngressScaleOnCpu(String env) {
        for (String module : List.of("gateway-service", "wechat-ingress-service")) {
            Map<String, Object> autoscaler = ofKind(env, "HorizontalPodAutoscaler").stream()
                    .filter(hpa -> "Deployment".equals(Yamls.stringAt(hpa, "spec", "scaleTargetRef", "kind"))
                            && module.equals(Yamls.stringAt(hpa, "spec", "scaleTargetRef", "name")))
                    .findFirst().orElse(null);
            assertThat(autoscaler).as(module + " HorizontalPodAutoscaler").isNotNull();
            assertThat(Yamls.listAt(autoscaler, "spec", "metrics")).as(module + " scales on CPU").anyMatch(metric ->
                    "Resource".equals(Yamls.stringAt(metric, "type"))
                            && "cpu".equals(Yamls.stringAt(metric, "resource", "name")));
            int min = (Integer) Yamls.at(autoscaler, "spec", "minReplicas");
            int max = (Integer) Yamls.at(autoscaler, "spec", "maxReplicas");
            assertThat(min).isPositive();
            assertThat(max).isGreaterThanOrEqualTo(min);
            assertThat(Yamls.at(find(env, "Deployment", module), "spec", "replicas"))
                    .as(module + ": the autoscaler owns the replica count; a fixed one is reset on every apply").isNull();
            assertThat(Yamls.stringAt(container(env, module), "resources", "requests", "cpu"))
                    .as("CPU utilisation is measured against the request").isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void workersScaleOnTheLagOfTheirConsumerGroupUpToThePartitions(String env) {
        String worker = "ai-worker-service";
        ServiceModule module = ServiceModule.of(worker);
        List<Map<String, Object>> scaledObjects = ofKind(env, "ScaledObject").stream()
                .filter(scaled -> worker.equals(Yamls.stringAt(scaled, "spec", "scaleTargetRef", "name")))
                .toList();
        assertThat(scaledObjects).as("one KEDA ScaledObject for the worker").hasSize(1);
        Map<String, Object> scaled = scaledObjects.get(0);
        List<Object> triggers = Yamls.listAt(scaled, "spec", "triggers");
        assertThat(triggers).hasSize(1);
        Object trigger = triggers.get(0);
        assertThat(Yamls.stringAt(trigger, "type")).isEqualTo("kafka");

        // The group and topic the worker really consumes: its configured group (unless the Deployment overrides
        // it) with the default ConsumerFactory group, subscribed to Topics.INBOUND.
        String group = envValue(env, worker, "SPRING_KAFKA_CONSUMER_GROUPID");
        if (group == null) {
            group = module.required("spring.kafka.consumer.group-id");
        }
        String consumer = Repo.read(Repo.path(worker, "src", "main", "java", "dev", "wxai", "worker", "inbound",
                "InboundConsumer.java"));
        assertThat(consumer).as("InboundConsumer uses the configured group and subscribes to Topics.INBOUND")
                .contains("consumers.createConsumer()").contains("subscribe(List.of(Topics.INBOUND)");
        assertThat(Yamls.stringAt(trigger, "metadata", "consumerGroup")).isEqualTo(group);
        assertThat(Yamls.stringAt(trigger, "metadata", "topic")).isEqualTo(Topics.INBOUND);
        assertThat(Yamls.stringAt(trigger, "metadata", "bootstrapServers"))
                .isEqualTo(configValue(env, "SPRING_KAFKA_BOOTSTRAPSERVERS"));
        assertThat(Yamls.stringAt(trigger, "metadata", "offsetResetPolicy"))
                .as("lag of a group without offsets is counted as the consumer would start")
                .isEqualTo(module.required("spring.kafka.consumer.auto-offset-reset"));
        assertThat(Yamls.stringAt(trigger, "metadata", "allowIdleConsumers")).isNotEqualTo("true");

        int partitions = topicPartitions(env).get(Topics.INBOUND);
        int min = (Integer) Yamls.at(scaled, "spec", "minReplicaCount");
        int max = (Integer) Yamls.at(scaled, "spec", "maxReplicaCount");
        assertThat(min).as("at least one worker always consumes").isPositive();
        assertThat(max).as("pods beyond the partitions of " + Topics.INBOUND + " get none and idle")
                .isBetween(min, partitions);

        String inFlight = envValue(env, worker, "WXAI_WORKER_MAXINFLIGHT");
        int maxInFlight = Integer.parseInt(inFlight != null ? inFlight : module.required("wxai.worker.max-in-flight"));
        int lagThreshold = Integer.parseInt(Yamls.stringAt(trigger, "metadata", "lagThreshold"));
        assertThat(lagThreshold).as("records in flight count as lag: scale out before a pod is full")
                .isBetween(1, maxInFlight);

        assertThat(Yamls.at(find(env, "Deployment", worker), "spec", "replicas")).as("KEDA owns the replica count").isNull();
        assertThat(ofKind(env, "HorizontalPodAutoscaler"))
                .noneMatch(hpa -> worker.equals(Yamls.stringAt(hpa, "spec", "scaleTargetRef", "name")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void topicsHaveThePartitionsTheServicesCreateThemWith(String env) {
        Map<String, Integer> partitions = topicPartitions(env);
        int inbound = Integer.parseInt(configValue(env, "WXAI_KAFKA_INBOUNDPARTITIONS"));
        int orderEvents = Integer.parseInt(configValue(env, "WXAI_KAFKA_ORDEREVENTSPARTITIONS"));
        assertThat(partitions).isEqualTo(Map.of(Topics.INBOUND, inbound, Topics.INBOUND_DLT, inbound,
                Topics.ORDER_EVENTS, orderEvents, Topics.ORDER_EVENTS_DLT, orderEvents));
        int replicationFactor = Integer.parseInt(configValue(env, "WXAI_KAFKA_REPLICATIONFACTOR"));
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> topic : ofKind(env, "KafkaTopic")) {
            String name = topicName(topic);
            if (Yamls.stringAt(topic, "metadata", "labels", "strimzi.io/cluster") == null) {
                problems.add(name + ": no strimzi.io/cluster label, no Topic Operator will manage it");
            }
            Object replicas = Yamls.at(topic, "spec", "replicas");
            if (!Objects.equals(replicas, replicationFactor)) {
                problems.add(name + ": " + replicas + " replicas, WXAI_KAFKA_REPLICATIONFACTOR says " + replicationFactor);
            }
            Object minInSync = Yamls.at(topic, "spec", "config", "min.insync.replicas");
            if (replicas instanceof Integer count && minInSync instanceof Integer min
                    && (count == 1 ? min != 1 : min >= count)) {
                problems.add(name + ": min.insync.replicas " + min + " with " + count
                        + " replicas stops acks=all producers when a broker is away");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheGatewayIsReachableFromOutside(String env) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> service : ofKind(env, "Service")) {
            String type = Yamls.stringAt(service, "spec", "type");
            if (type != null && !type.equals("ClusterIP")) {
                problems.add("Service/" + RenderedOverlay.name(service) + " is of type " + type);
            }
        }
        for (Map<String, Object> ingress : ofKind(env, "Ingress")) {
            for (Object rule : Yamls.listAt(ingress, "spec", "rules")) {
                for (Object path : Yamls.listAt(rule, "http", "paths")) {
                    String backend = Yamls.stringAt(path, "backend", "service", "name");
                    if (!"gateway-service".equals(backend)) {
                        problems.add("Ingress/" + RenderedOverlay.name(ingress) + " exposes " + backend);
                    }
                }
            }
        }
        List<Map<String, Object>> policies = ofKind(env, "NetworkPolicy");
        boolean defaultDeny = policies.stream().anyMatch(policy ->
                Yamls.mapAt(policy, "spec", "podSelector").isEmpty()
                        && Yamls.listAt(policy, "spec", "policyTypes").contains("Ingress")
                        && Yamls.listAt(policy, "spec", "ingress").isEmpty());
        if (!defaultDeny) {
            problems.add("no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)");
        }
        for (String module : modules(env)) {
            Map<String, Object> podLabels = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "metadata", "labels");
            boolean openToAll = false;
            for (Map<String, Object> policy : policies) {
                if (!selects(Yamls.mapAt(policy, "spec", "podSelector", "matchLabels"), podLabels)) {
                    continue;
                }
                for (Object rule : Yamls.listAt(policy, "spec", "ingress")) {
                    List<Object> peers = Yamls.listAt(rule, "from");
                    if (peers.isEmpty()) {
                        openToAll = true;
                    }
                    for (Object peer : peers) {
                        boolean namedPods = Yamls.at(peer, "podSelector") != null && Yamls.at(peer, "namespaceSelector") == null;
                        boolean namedNamespace = !Yamls.mapAt(peer, "namespaceSelector", "matchLabels").isEmpty();
                        if (Yamls.at(peer, "ipBlock") != null || !(namedPods || namedNamespace)) {
                            openToAll = true;
                        }
                    }
                }
            }
            if (module.equals("gateway-service") && !openToAll) {
                problems.add("the gateway does not accept traffic from outside the namespace");
            }
            if (!module.equals("gateway-service") && openToAll) {
                problems.add(module + " accepts traffic from any address; only its callers should reach it");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewaysActuatorIsReachableOnlyInsideTheCluster(String env) {
        String module = "gateway-service";
        ServiceModule gateway = ServiceModule.of(module);
        assertThat(gateway.actuatorPort()).as("the gateway's management.server.port").isNotEqualTo(gateway.port());
        Map<String, Object> container = container(env, module);
        assertThat(containerPort(container, "management")).as("container port `management`").isEqualTo(gateway.actuatorPort());
        assertThat(Yamls.listAt(find(env, "Service", module), "spec", "ports"))
                .as("the Service the Ingress names keeps the public port only")
                .extracting(port -> Yamls.stringAt(port, "port")).containsExactly(String.valueOf(gateway.port()));
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> ingress : ofKind(env, "Ingress")) {
            for (Object rule : Yamls.listAt(ingress, "spec", "rules")) {
                for (Object path : Yamls.listAt(rule, "http", "paths")) {
                    Map<String, Object> service = find(env, "Service", Yamls.stringAt(path, "backend", "service", "name"));
                    String number = Yamls.stringAt(path, "backend", "service", "port", "number");
                    String name = Yamls.stringAt(path, "backend", "service", "port", "name");
                    for (Object port : service == null ? List.of() : Yamls.listAt(service, "spec", "ports")) {
                        boolean named = Objects.equals(number, Yamls.stringAt(port, "port")) || Objects.equals(name, Yamls.stringAt(port, "name"));
                        if (named && containerPort(container, Yamls.stringAt(port, "targetPort")) == gateway.actuatorPort()) {
                            problems.add("Ingress/" + RenderedOverlay.name(ingress) + " leads to the gateway's actuator");
                        }
                    }
                }
            }
        }
        Map<String, Object> podLabels = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "metadata", "labels");
        for (Map<String, Object> policy : ofKind(env, "NetworkPolicy")) {
            if (!selects(Yamls.mapAt(policy, "spec", "podSelector", "matchLabels"), podLabels)) {
                continue;
            }
            for (Object rule : Yamls.listAt(policy, "spec", "ingress")) {
                boolean fromAnywhere = Yamls.listAt(rule, "from").isEmpty()
                        || Yamls.listAt(rule, "from").stream().anyMatch(peer -> Yamls.at(peer, "ipBlock") != null);
                List<String> ports = Yamls.listAt(rule, "ports").stream().map(port -> Yamls.stringAt(port, "port")).toList();
                if (fromAnywhere && (ports.isEmpty() || ports.contains(String.valueOf(gateway.actuatorPort())))) {
                    problems.add("NetworkPolicy/" + RenderedOverlay.name(policy) + " opens the gateway's actuator to any address");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void configuredFilePathsAreMountedFromTheirSecret(String env) {
        String operatorGuide = Repo.read(Repo.path("k8s", "README.md"));
        String keysJob = ofKind(env, "Job").stream().map(job -> String.valueOf(job)).reduce("", String::concat);
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            Map<String, Object> container = container(env, module);
            Map<String, Object> podSpec = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "spec");
            for (Object item : Yamls.list(container.get("env"))) {
                String name = Yamls.stringAt(item, "name");
                String value = envValue(env, module, name);
                if (value == null || !value.startsWith("/") || value.startsWith("//")) {
                    continue;
                }
                Object mount = Yamls.listAt(container, "volumeMounts").stream()
                        .filter(candidate -> value.startsWith(Yamls.stringAt(candidate, "mountPath") + "/"))
                        .findFirst().orElse(null);
                if (mount == null) {
                    problems.add(module + ": " + name + "=" + value + " is under no volume mount");
                    continue;
                }
                String file = value.substring(Yamls.stringAt(mount, "mountPath").length() + 1);
                Object volume = Yamls.listAt(podSpec, "volumes").stream()
                        .filter(candidate -> Objects.equals(Yamls.stringAt(candidate, "name"), Yamls.stringAt(mount, "name")))
                        .findFirst().orElse(null);
                String secretName = Yamls.stringAt(volume, "secret", "secretName");
                boolean listed = Yamls.listAt(volume, "secret", "items").stream()
                        .anyMatch(entry -> file.equals(Yamls.stringAt(entry, "path")));
                if (secretName == null || !listed) {
                    problems.add(module + ": " + name + "=" + value + " is not an item of the mounted secret volume");
                    continue;
                }
                boolean made = env.equals("dev") ? keysJob.contains(secretName) && keysJob.contains(file)
                        : operatorGuide.contains(secretName) && operatorGuide.contains(file);
                if (!made) {
                    problems.add(module + ": nothing makes " + file + " in Secret " + secretName
                            + (env.equals("dev") ? " (the dev keys Job)" : " (k8s/README.md)"));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsRunAsTheImagesUnprivilegedUser(String env) {
        List<String> problems = new ArrayList<>();
        for (String module : modules(env)) {
            Map<String, Object> podSpec = Yamls.mapAt(find(env, "Deployment", module), "spec", "template", "spec");
            if (!Boolean.TRUE.equals(Yamls.at(podSpec, "securityContext", "runAsNonRoot"))
                    || !Integer.valueOf(10001).equals(Yamls.at(podSpec, "securityContext", "runAsUser"))) {
                problems.add(module + ": runAsNonRoot with the image's user 10001");
            }
            if (!Boolean.FALSE.equals(Yamls.at(container(env, module), "securityContext", "allowPrivilegeEscalation"))) {
                problems.add(module + ": allowPrivilegeEscalation must be false");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(Repo.read(Repo.path("Dockerfile"))).contains("USER 10001:10001");
    }

    @Test
    void theSandboxRunsOnlyInDev() {
        assertThat(find("dev", "Deployment", "sandbox")).isNotNull();
        assertThat(RenderedOverlay.of("prod")).noneMatch(resource -> Objects.equals(RenderedOverlay.name(resource), "sandbox"));
        assertThat(configValue("prod", "WXAI_DEEPSEEK_BASEURL")).startsWith("https://");
        assertThat(configValue("prod", "WXAI_WECHAT_APIBASEURL")).startsWith("https://");
        assertThat(configValue("prod", "WXAI_PAY_BASEURL")).startsWith("https://");
        assertThat(configValue("prod", "WXAI_PAY_NOTIFYURL")).as("WeChat Pay calls only https").startsWith("https://");
    }

    // ---- helpers

    /** Environment variables the JVM reads before Spring starts. */
    private static final java.util.Set<String> JVM_VARIABLES = java.util.Set.of("JAVA_TOOL_OPTIONS");

    private static String namespace(String env) {
        return Yamls.stringAt(Yamls.load(Repo.path("k8s", "overlays", env, "kustomization.yaml")), "namespace");
    }

    /** The services an overlay runs: all of them in dev; in prod all but the sandbox. */
    /** What the public Ingress may route: the gateway's public paths (README, Endpoints), nothing internal. */
    private static final Set<String> PUBLIC_PATHS = Set.of("/wechat", "/pay/notify", "/api", "/auth", "/shop", "/admin");

    private static List<String> modules(String env) {
        return Repo.SERVICE_MODULES.stream().filter(module -> env.equals("dev") || !module.equals("sandbox")).toList();
    }

    /** Init containers and containers of a Deployment's or a Job's pod. */
    private static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return Stream.of("initContainers", "containers")
                .flatMap(field -> Yamls.listAt(workload, "spec", "template", "spec", field).stream())
                .map(Yamls::map).toList();
    }

    private static Map<String, Object> container(String env, String module) {
        Map<String, Object> deployment = find(env, "Deployment", module);
        assertThat(deployment).as(env + ": Deployment " + module).isNotNull();
        return containers(deployment).stream()
                .filter(container -> module.equals(Yamls.stringAt(container, "name")))
                .findFirst().orElseThrow(() -> new AssertionError(module + ": no container named " + module));
    }

    private static String configValue(String env, String key) {
        return Yamls.stringAt(find(env, "ConfigMap", CONFIG_MAP), "data", key);
    }

    /** A container's variable as the pod sees it: a literal value or the ConfigMap's; null for secrets or absent. */
    private static String envValue(String env, String module, String name) {
        for (Object item : Yamls.list(container(env, module).get("env"))) {
            if (name.equals(Yamls.stringAt(item, "name"))) {
                if (Yamls.at(item, "value") != null) {
                    return Yamls.stringAt(item, "value");
                }
                String key = Yamls.stringAt(item, "valueFrom", "configMapKeyRef", "key");
                return key == null ? null : configValue(env, key);
            }
        }
        return null;
    }

    /** A named or numbered port of a container, as its number (-1 when unknown). */
    private static int containerPort(Map<String, Object> container, String port) {
        for (Object entry : Yamls.listAt(container, "ports")) {
            String number = Yamls.stringAt(entry, "containerPort");
            if (Objects.equals(port, Yamls.stringAt(entry, "name")) || Objects.equals(port, number)) {
                return Integer.parseInt(number);
            }
        }
        return -1;
    }

    private static long preStopSeconds(Map<String, Object> container) {
        Object sleep = Yamls.at(container, "lifecycle", "preStop", "sleep", "seconds");
        if (sleep instanceof Integer seconds) {
            return seconds;
        }
        List<Object> command = Yamls.listAt(container, "lifecycle", "preStop", "exec", "command");
        Matcher matcher = SLEEP.matcher(String.join(" ", command.stream().map(part -> String.valueOf(part)).toList()));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        Map<String, Object> matchLabels = selector.containsKey("matchLabels") ? Yamls.mapAt(selector, "matchLabels") : selector;
        return matchLabels.entrySet().stream().allMatch(entry -> Objects.equals(labels.get(entry.getKey()), entry.getValue()));
    }

    private static List<String> secretKeys(Map<String, Object> secret) {
        List<String> keys = new ArrayList<>();
        if (secret != null) {
            keys.addAll(Yamls.mapAt(secret, "data").keySet());
            keys.addAll(Yamls.mapAt(secret, "stringData").keySet());
        }
        return keys;
    }

    private static String topicName(Map<String, Object> topic) {
        String name = Yamls.stringAt(topic, "spec", "topicName");
        return name != null ? name : RenderedOverlay.name(topic);
    }

    private static Map<String, Integer> topicPartitions(String env) {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (Map<String, Object> topic : ofKind(env, "KafkaTopic")) {
            partitions.put(topicName(topic), (Integer) Yamls.at(topic, "spec", "partitions"));
        }
        return partitions;
    }

    /** Kubernetes memory quantities as bytes: 512Mi, 1Gi, 640M, 1000000. */
    private static long bytes(String quantity) {
        Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("memory quantity " + quantity);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "" : matcher.group(2);
        return amount * switch (unit) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            default -> 1L;
        };
    }
}
