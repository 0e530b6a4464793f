package dev.wxai.worker.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PerUserSequencerTest {

    private final PerUserSequencer sequencer = new PerUserSequencer();
    private final List<String> finished = new CopyOnWriteArrayList<>();

    private Mono<Void> work(String name, long millis) {
        return Mono.delay(Duration.ofMillis(millis)).doOnNext(tick -> finished.add(name)).then();
    }

    @Test
    void oneUsersMessagesFinishInTheOrderTheyArrived() throws Exception {
        CompletableFuture<Void> first = sequencer.submit("alice", () -> work("a1", 300));
        CompletableFuture<Void> second = sequencer.submit("alice", () -> work("a2", 10));
        CompletableFuture<Void> third = sequencer.submit("alice", () -> work("a3", 10));

        CompletableFuture.allOf(first, second, third).get(5, TimeUnit.SECONDS);
        assertThat(finished).containsExactly("a1", "a2", "a3");
    }

    @Test
    void differentUsersDoNotWaitForEachOther() throws Exception {
        CompletableFuture<Void> slow = sequencer.submit("alice", () -> work("alice", 500));
        CompletableFuture<Void> fast = sequencer.submit("bob", () -> work("bob", 10));

        CompletableFuture.allOf(slow, fast).get(5, TimeUnit.SECONDS);
        assertThat(finished).containsExactly("bob", "alice");
    }

    @Test
    void aFailureDoesNotHoldBackTheNextMessage() throws Exception {
        CompletableFuture<Void> failing = sequencer.submit("alice", () -> Mono.error(new IllegalStateException("boom")));
        CompletableFuture<Void> next = sequencer.submit("alice", () -> work("a2", 10));

        next.get(5, TimeUnit.SECONDS);
        assertThat(failing).isCompletedExceptionally();
        assertThat(finished).containsExactly("a2");
    }

    @Test
    void idleUsersAreForgotten() throws Exception {
        sequencer.submit("alice", () -> work("a1", 10)).get(5, TimeUnit.SECONDS);
        sequencer.submit("bob", () -> work("b1", 10)).get(5, TimeUnit.SECONDS);

        // The chain is dropped by a completion callback, which may run just after get() returns.
        await().atMost(Duration.ofSeconds(2)).until(() -> sequencer.usersInFlight() == 0);
    }
}
