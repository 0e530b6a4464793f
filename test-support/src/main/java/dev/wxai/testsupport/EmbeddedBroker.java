package dev.wxai.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One KRaft broker in this JVM for all tests, so that no test pays the start-up twice. */
final class EmbeddedBroker implements KafkaBroker {

    private static EmbeddedBroker shared;

    private final EmbeddedKafkaKraftBroker broker;

    private EmbeddedBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 12);
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.brokerProperty("num.partitions", "12");
        broker.brokerProperty("offsets.topic.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-shutdown"));
    }

    static synchronized EmbeddedBroker shared() {
        if (shared == null) {
            shared = new EmbeddedBroker();
        }
        return shared;
    }

    @Override
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }
}
