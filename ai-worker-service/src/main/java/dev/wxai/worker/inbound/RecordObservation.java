package dev.wxai.worker.inbound;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The span of one inbound record, continuing the trace the ingress wrote into its {@code traceparent} header, so
 * that one WeChat message is one trace from the gateway to DeepSeek and WeChat. The worker reads Kafka with its own
 * consumer loop (not a listener container), so it opens the observation spring-kafka's containers would open:
 * same name and tags, and every call the record makes (Redis, DeepSeek, WeChat) becomes its child through the
 * Reactor context.
 */
@Component
class RecordObservation {

    static final String CONSUMER = "inbound-consumer";

    private final ObservationRegistry registry;
    private final String groupId;

    RecordObservation(ObservationRegistry registry, KafkaProperties kafka) {
        this.registry = registry;
        this.groupId = kafka.getConsumer().getGroupId();
    }

    <T> Mono<T> around(ConsumerRecord<String, String> record, Mono<T> work) {
        return Mono.defer(() -> {
            Observation observation = KafkaListenerObservation.LISTENER_OBSERVATION.observation(null,
                    KafkaListenerObservation.DefaultKafkaListenerObservationConvention.INSTANCE,
                    () -> new KafkaRecordReceiverContext(record, CONSUMER, CONSUMER, groupId, () -> null), registry).start();
            return work.doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }
}
