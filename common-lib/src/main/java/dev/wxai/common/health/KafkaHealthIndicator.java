package dev.wxai.common.health;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Whether the Kafka cluster answers, for the readiness groups of services that cannot do their work without it (the
 * ingress cannot accept a message it cannot publish). Spring Boot has no Kafka indicator. One long-lived admin
 * client asks for the cluster's nodes with a short timeout; liveness never includes this, so a broker outage takes
 * pods out of rotation instead of restarting them.
 */
public class KafkaHealthIndicator extends AbstractReactiveHealthIndicator implements DisposableBean {

    private final AdminClient admin;
    private final Duration timeout;

    public KafkaHealthIndicator(Map<String, Object> adminConfiguration, Duration timeout) {
        super("Kafka cluster is unreachable");
        this.admin = AdminClient.create(adminConfiguration);
        this.timeout = timeout;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return Mono.fromCompletionStage(() -> admin.describeCluster(
                                new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes().toCompletionStage())
                .map(nodes -> (nodes.isEmpty() ? builder.down() : builder.up()).withDetail("nodes", nodes.size()).build())
                .timeout(timeout.plusMillis(500));
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(1));
    }
}
