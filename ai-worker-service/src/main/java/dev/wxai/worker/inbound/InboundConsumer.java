package dev.wxai.worker.inbound;

import dev.wxai.common.event.Topics;
import dev.wxai.worker.config.WorkerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Consumes {@link Topics#INBOUND} with many records in flight and no record skipped.
 *
 * <p>A DeepSeek answer takes seconds, so handling one record at a time per partition would answer a dozen users
 * every few seconds. Here one consumer thread hands each record to {@link InboundRecordHandler} without waiting
 * and keeps polling, up to {@code wxai.worker.max-in-flight} records at once, never more: a poll may return more
 * records than there are free slots, and those wait here (fetching paused) until slots free up, instead of going
 * ahead and meeting a full DeepSeek bulkhead (which answered hundreds of users with an apology under load before).
 * Records finish in any order; {@link PartitionProgress} commits each partition only up to its oldest unfinished
 * record, so a crash re-reads, and never skips, what was not done; a waiting record is not dispatched yet, so the
 * commit never passes it either.
 *
 * <p>When partitions move to another pod, or the pod stops, in-flight answers get {@code drain-timeout} to finish
 * and their offsets are committed before the partitions are let go. Whatever is still running after that is
 * re-read by the next owner, and the reply claim keeps it from being answered twice.
 */
@Component
class InboundConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboundConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ConsumerFactory<String, String> consumers;
    private final InboundRecordHandler handler;
    private final WorkerProperties properties;
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Fetched records beyond the free slots, in fetch order; only the consumer thread touches it. */
    private final Deque<ConsumerRecord<String, String>> waiting = new ArrayDeque<>();
    private volatile boolean running;
    private volatile Consumer<String, String> consumer;
    private Thread thread;

    InboundConsumer(ConsumerFactory<String, String> consumers, InboundRecordHandler handler, WorkerProperties properties,
                    MeterRegistry meters) {
        this.consumers = consumers;
        this.handler = handler;
        this.properties = properties;
        Gauge.builder("wxai.worker.inflight", inFlight, AtomicInteger::get)
                .description("Inbound records being answered right now").register(meters);
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::runUntilStopped, "inbound-consumer");
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(properties.drainTimeout().plusSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the clients the handler uses, so that in-flight answers can finish. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private void runUntilStopped() {
        while (running) {
            try {
                consume();
            } catch (RuntimeException e) {
                // The broker or the group failed us; what was not committed is re-read by the next consumer.
                log.error("Inbound consumer failed; starting a new one in 1 s", e);
                pauseBeforeRetry();
            }
        }
    }

    private void consume() {
        waiting.clear(); // a new consumer reads from the committed offsets, which never passed these
        try (Consumer<String, String> kafka = consumers.createConsumer()) {
            consumer = kafka;
            kafka.subscribe(List.of(Topics.INBOUND), new Rebalance(kafka));
            long nextCommit = System.currentTimeMillis() + properties.commitInterval().toMillis();
            try {
                while (running) {
                    applyBackpressure(kafka);
                    for (ConsumerRecord<String, String> record : kafka.poll(POLL)) {
                        waiting.add(record);
                    }
                    while (!waiting.isEmpty() && inFlight.get() < properties.maxInFlight()) {
                        dispatch(waiting.poll());
                    }
                    if (System.currentTimeMillis() >= nextCommit) {
                        commit(kafka, progress.keySet(), false);
                        nextCommit = System.currentTimeMillis() + properties.commitInterval().toMillis();
                    }
                }
            } catch (WakeupException stopping) {
                // stop() woke the poll; drain below
            }
            drain(kafka);
        } finally {
            consumer = null;
        }
    }

    private void dispatch(ConsumerRecord<String, String> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress partitionProgress = progress.computeIfAbsent(partition, p -> new PartitionProgress());
        partitionProgress.dispatched(record.offset());
        inFlight.incrementAndGet();
        handler.handle(record).whenComplete((done, error) -> {
            partitionProgress.completed(record.offset());
            inFlight.decrementAndGet();
        });
    }

    /**
     * Fetches nothing more while the pod is at its limit or records are waiting for a slot; resumes once those went
     * out and a quarter of the slots are free.
     */
    private void applyBackpressure(Consumer<String, String> kafka) {
        int current = inFlight.get();
        if (current >= properties.maxInFlight() || !waiting.isEmpty()) {
            kafka.pause(kafka.assignment());
        } else if (!kafka.paused().isEmpty() && current <= properties.maxInFlight() * 3 / 4) {
            kafka.resume(kafka.paused());
        }
    }

    /** Stops fetching, lets in-flight answers finish (bounded), commits what finished, and leaves the group. */
    private void drain(Consumer<String, String> kafka) {
        kafka.pause(kafka.assignment());
        waiting.clear(); // never dispatched, so never committed: the next owner reads them
        long deadline = System.currentTimeMillis() + properties.drainTimeout().toMillis();
        log.info("Draining {} in-flight records (up to {})", inFlight.get(), properties.drainTimeout());
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            kafka.poll(POLL); // keeps the membership alive; paused partitions return nothing
            commit(kafka, progress.keySet(), false);
        }
        commit(kafka, progress.keySet(), true);
        if (inFlight.get() > 0) {
            log.warn("{} records still in flight at shutdown; the next owner re-reads them", inFlight.get());
        }
    }

    private void commit(Consumer<String, String> kafka, Collection<TopicPartition> partitions, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionProgress partitionProgress = progress.get(partition);
            if (partitionProgress != null && kafka.assignment().contains(partition)) {
                partitionProgress.committable().ifPresent(offset -> offsets.put(partition, new OffsetAndMetadata(offset)));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            kafka.commitSync(offsets);
            markCommitted(offsets);
        } else {
            kafka.commitAsync(offsets, (committed, error) -> {
                if (error == null) {
                    markCommitted(committed);
                } else {
                    log.warn("Offset commit failed ({}); retried with the next commit", error.toString());
                }
            });
        }
    }

    private void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionProgress partitionProgress = progress.get(partition);
            if (partitionProgress != null) {
                partitionProgress.committed(offset.offset());
            }
        });
    }

    private void pauseBeforeRetry() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Runs on the consumer thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<String, String> kafka;

        Rebalance(Consumer<String, String> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // While stopping, drain() has already waited; close() revoking again must not wait twice.
            long deadline = System.currentTimeMillis() + (running ? properties.drainTimeout().toMillis() : 0);
            for (TopicPartition partition : partitions) {
                PartitionProgress partitionProgress = progress.get(partition);
                if (partitionProgress != null) {
                    awaitIdle(partitionProgress, deadline);
                }
            }
            try {
                commit(kafka, partitions, true);
            } catch (RuntimeException e) {
                log.warn("Could not commit revoked partitions {}: {}", partitions, e.toString());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Someone else owns them already: committing now would be refused. Their records are re-read.
            forget(partitions);
        }

        /** Their waiting records were never dispatched nor committed: the partitions' next owner reads them. */
        private void forget(Collection<TopicPartition> partitions) {
            waiting.removeIf(record -> partitions.contains(new TopicPartition(record.topic(), record.partition())));
            partitions.forEach(progress::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Assigned {}", partitions);
        }

        private void awaitIdle(PartitionProgress partitionProgress, long deadline) {
            try {
                partitionProgress.awaitIdle(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
