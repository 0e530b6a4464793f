package dev.wxai.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A KRaft broker of a test's own, for tests that stop the broker under a running service. */
public final class StoppableBroker implements KafkaBroker, AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;
    private volatile boolean running;

    private StoppableBroker(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    public static StoppableBroker start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        StoppableBroker stoppable = new StoppableBroker(broker);
        stoppable.running = true;
        return stoppable;
    }

    @Override
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public synchronized void stop() {
        if (running) {
            running = false;
            broker.destroy();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
