package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every deployment file relies on in the services themselves: ports, probes, graceful shutdown, metadata. */
class ServiceModulesTest {

    @Test
    void theFiveServicesAreFoundAsRunnableModules() {
        // Guards every other check against passing vacuously on an empty module list.
        assertThat(Repo.SERVICE_MODULES).containsExactlyInAnyOrder(
                "gateway-service", "wechat-ingress-service", "ai-worker-service", "order-service", "sandbox");
    }

    @Test
    void everyServiceShutsDownGracefullyWithinAPhaseTimeout() {
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            ServiceModule service = ServiceModule.of(module);
            if (!"graceful".equals(service.value("server.shutdown"))) {
                problems.add(module + ": server.shutdown is not graceful");
            }
            if (service.shutdownPhase().compareTo(Duration.ZERO) <= 0) {
                problems.add(module + ": no spring.lifecycle.timeout-per-shutdown-phase");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyServiceExposesTheLivenessAndReadinessGroups() {
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            if (!ServiceModule.of(module).exposesProbes()) {
                problems.add(module + ": set management.endpoint.health.probes.enabled=true and expose health");
            }
        }
        assertThat(problems).as("the image health check and the Kubernetes probes ask /actuator/health/{liveness,readiness}")
                .isEmpty();
    }

    @Test
    void workerShutdownPhaseOutlastsItsDrain() {
        ServiceModule worker = ServiceModule.of("ai-worker-service");
        Duration drain = Durations.parse(worker.required("wxai.worker.drain-timeout"));
        assertThat(worker.shutdownPhase()).as("in-flight answers get drain-timeout inside the shutdown phase")
                .isGreaterThan(drain);
    }

    @Test
    void everyServiceShipsConfigurationMetadataForItsOwnProperties() {
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            boolean hasOwn = PropertyCatalog.get().ownProperties(module).stream()
                    .anyMatch(property -> property.name().startsWith("wxai."));
            if (!hasOwn) {
                problems.add(module + ": no META-INF/spring-configuration-metadata.json with wxai.* properties "
                        + "(spring-boot-configuration-processor in its pom?)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void relaxedBindingIsAppliedTheWaySpringDoes() {
        PropertyCatalog catalog = PropertyCatalog.get();
        assertThat(catalog.whyNotBound("ai-worker-service", "WXAI_DEEPSEEK_BASEURL")).isNull();
        assertThat(catalog.whyNotBound("ai-worker-service", "SPRING_KAFKA_CONSUMER_MAXPOLLRECORDS")).isNull();
        assertThat(catalog.whyNotBound("sandbox", "WXAI_WECHAT_APPID")).as("read by a placeholder").isNull();
        assertThat(catalog.whyNotBound("order-service", "WXAI_PAY_PLATFORMCERTIFICATES")).as("only in metadata").isNull();
        assertThat(catalog.whyNotBound("gateway-service", "SERVER_PORT")).isNull();
        // A typo, another service's property, and an infrastructure family the service does not use.
        assertThat(catalog.whyNotBound("ai-worker-service", "WXAI_DEEPSEEK_BASE_URL")).isNotNull();
        assertThat(catalog.whyNotBound("gateway-service", "WXAI_DEEPSEEK_BASEURL")).isNotNull();
        assertThat(catalog.whyNotBound("gateway-service", "SPRING_KAFKA_BOOTSTRAPSERVERS")).isNotNull();
        assertThat(catalog.whyNotBound("gateway-service", "SPRING_R2DBC_URL")).isNotNull();
    }
}
