package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pods as the real {@code kubectl kustomize} renders them: JVMs that fit their containers (heap, direct memory,
 * metaspace and code cache under the memory limit with room for threads and GC; the CPU count the JVM is told equals
 * the CPU limit; an explicit collector), no service-account token, spread over nodes, and disruption budgets that
 * never block a drain on unready pods.
 */
class PodSizingTest {

    /** Threads' stacks, GC structures, Netty and JIT beyond the sized areas: measured ~150 Mi on the worker. */
    private static final long NATIVE_ROOM = 150L << 20;
    private static final List<String> SERVICES = List.of("gateway-service", "wechat-ingress-service", "ai-worker-service", "order-service");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasCpuAndMemorySizesConsistentWithItsJvmFlags(String env) {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Map<String, Object> container = container(env, service);
            String flags = env(container, "JAVA_TOOL_OPTIONS");
            String cpuLimit = Yamls.stringAt(container, "resources", "limits", "cpu");
            String memoryLimit = Yamls.stringAt(container, "resources", "limits", "memory");
            if (flags == null || cpuLimit == null || memoryLimit == null) {
                problems.add(service + ": needs JAVA_TOOL_OPTIONS, limits.cpu and limits.memory");
                continue;
            }
            long heap = size(flags, "-Xmx");
            long sized = heap + size(flags, "-XX:MaxDirectMemorySize=") + size(flags, "-XX:MaxMetaspaceSize=")
                    + size(flags, "-XX:ReservedCodeCacheSize=");
            if (sized + NATIVE_ROOM > bytes(memoryLimit)) {
                problems.add(service + ": heap, direct, metaspace and code cache (" + (sized >> 20) + " Mi) + " + (NATIVE_ROOM >> 20)
                        + " Mi do not fit its " + memoryLimit + " limit");
            }
            if (size(flags, "-Xms") != heap) {
                problems.add(service + ": -Xms and -Xmx differ (the heap should be committed up front, as the limit counts it)");
            }
            long cpus = (long) Math.ceil(cpus(cpuLimit));
            if (!flags.contains("-XX:ActiveProcessorCount=" + cpus)) {
                problems.add(service + ": -XX:ActiveProcessorCount must be " + cpus + " for a CPU limit of " + cpuLimit);
            }
            if (!flags.matches(".*-XX:\\+Use(G1|Z|Parallel|Serial)GC.*")) {
                problems.add(service + ": no explicit garbage collector");
            }
            if (!flags.contains("-XX:+ExitOnOutOfMemoryError")) {
                problems.add(service + ": an OutOfMemoryError must end the JVM so that Kubernetes restarts it");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsCarryNoTokenSpreadOutAndNeverBlockADrain(String env) {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Map<String, Object> pod = Yamls.mapAt(deployment(env, service), "spec", "template", "spec");
            if (!Boolean.FALSE.equals(pod.get("automountServiceAccountToken"))) {
                problems.add(service + ": the service-account token is mounted");
            }
            List<String> keys = Yamls.listAt(pod, "topologySpreadConstraints").stream()
                    .map(constraint -> Yamls.stringAt(constraint, "topologyKey")).toList();
            if (!keys.contains("kubernetes.io/hostname")) {
                problems.add(service + ": no spread over nodes");
            }
            boolean budgeted = RenderedOverlay.ofKind(env, "PodDisruptionBudget").stream().anyMatch(budget ->
                    service.equals(Yamls.stringAt(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/name"))
                            && "AlwaysAllow".equals(Yamls.stringAt(budget, "spec", "unhealthyPodEvictionPolicy")));
            if (!budgeted) {
                problems.add(service + ": no PodDisruptionBudget with unhealthyPodEvictionPolicy: AlwaysAllow");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void theGatewayIsToldWhichProxiesToBelieve(String env) {
        Map<String, Object> container = container(env, "gateway-service");
        Object reference = Yamls.listAt(container, "env").stream()
                .filter(variable -> "WXAI_GATEWAY_TRUSTEDPROXIES".equals(Yamls.stringAt(variable, "name"))).findFirst().orElse(null);
        assertThat(reference).as("WXAI_GATEWAY_TRUSTEDPROXIES in the gateway's env").isNotNull();
        String key = Yamls.stringAt(reference, "valueFrom", "configMapKeyRef", "key");
        String value = RenderedOverlay.ofKind(env, "ConfigMap").stream()
                .map(map -> Yamls.stringAt(map, "data", key)).filter(v -> v != null).findFirst().orElse("");
        assertThat(value).as("the prod overlay names its proxies").isNotBlank();
    }

    /**
     * The Dockerfile's training start writes /app/application.jsa into the worker's image (DockerImageTest). The archive
     * holds the class path relative to /app, the image's working directory: a pod that set another one would start
     * without it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theWorkerMapsTheClassDataSharingArchiveOfItsImage(String env) {
        Map<String, Object> container = container(env, "ai-worker-service");
        assertThat(env(container, "JAVA_TOOL_OPTIONS"))
                .contains("-XX:SharedArchiveFile=/app/application.jsa")
                .contains("-XX:+UseG1GC");
        assertThat(container).as("the image's working directory, /app").doesNotContainKey("workingDir");
    }

    private static Map<String, Object> deployment(String env, String service) {
        return RenderedOverlay.ofKind(env, "Deployment").stream()
                .filter(resource -> service.equals(Yamls.stringAt(resource, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError(env + ": no Deployment " + service));
    }

    private static Map<String, Object> container(String env, String service) {
        return Yamls.listAt(deployment(env, service), "spec", "template", "spec", "containers").stream()
                .filter(container -> service.equals(Yamls.stringAt(container, "name"))).map(Yamls::map)
                .findFirst().orElseThrow(() -> new AssertionError(service + ": no container " + service));
    }

    private static String env(Map<String, Object> container, String name) {
        return Yamls.listAt(container, "env").stream().filter(variable -> name.equals(Yamls.stringAt(variable, "name")))
                .map(variable -> Yamls.stringAt(variable, "value")).findFirst().orElse(null);
    }

    /** A JVM size flag ({@code -Xmx512m}, {@code -XX:MaxDirectMemorySize=64m}) in bytes; 0 when absent. */
    static long size(String flags, String prefix) {
        return Arrays.stream(flags.split("\\s+")).filter(flag -> flag.startsWith(prefix)).findFirst()
                .map(flag -> {
                    Matcher matcher = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(flag.substring(prefix.length()));
                    if (!matcher.matches()) {
                        throw new IllegalArgumentException(flag);
                    }
                    long amount = Long.parseLong(matcher.group(1));
                    return amount * switch (matcher.group(2).toLowerCase()) {
                        case "k" -> 1L << 10;
                        case "m" -> 1L << 20;
                        case "g" -> 1L << 30;
                        default -> 1L;
                    };
                }).orElse(0L);
    }

    static long bytes(String quantity) {
        Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("memory quantity " + quantity);
        }
        long amount = Long.parseLong(matcher.group(1));
        return amount * (matcher.group(2) == null ? 1 : switch (matcher.group(2)) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            default -> 1L << 30;
        });
    }

    static double cpus(String quantity) {
        return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
                : Double.parseDouble(quantity);
    }
}
