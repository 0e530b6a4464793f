package dev.wxai.testsupport;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** The official Apache Kafka image in a container, started once per JVM (only where Docker runs). */
final class ContainerBroker implements KafkaBroker {

    static final String IMAGE = System.getProperty("wxai.test.kafka-image", "apache/kafka:4.1.2");

    private static ContainerBroker shared;

    private final KafkaContainer container;

    private ContainerBroker() {
        container = new KafkaContainer(DockerImageName.parse(IMAGE))
                .withEnv("KAFKA_NUM_PARTITIONS", "12");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-shutdown"));
    }

    static synchronized ContainerBroker shared() {
        if (shared == null) {
            shared = new ContainerBroker();
        }
        return shared;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }
}
