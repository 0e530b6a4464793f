package dev.wxai.testsupport;

/**
 * A real Kafka broker for integration tests. Tests are written against this type and run once per broker
 * kind: the in-JVM KRaft broker everywhere, and Testcontainers' {@code KafkaContainer} where Docker exists.
 */
public interface KafkaBroker {

    String bootstrapServers();

    /** The in-JVM KRaft broker, started once per JVM and shared by every test in it. */
    static KafkaBroker embedded() {
        return EmbeddedBroker.shared();
    }

    /** A broker in a container, started once per JVM; callers must skip when Docker is absent. */
    static KafkaBroker container() {
        return ContainerBroker.shared();
    }
}
