package dev.wxai.worker.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    private final PartitionProgress progress = new PartitionProgress();

    @Test
    void nothingDispatchedNothingToCommit() {
        assertThat(progress.committable()).isEmpty();
    }

    @Test
    void theCommitStopsAtTheOldestUnfinishedRecord() {
        for (long offset = 10; offset <= 14; offset++) {
            progress.dispatched(offset);
        }
        progress.completed(11);
        progress.completed(12);
        progress.completed(14);

        // 10 is still running: a restart must read it again, so the commit may not pass it.
        assertThat(progress.committable()).hasValue(10);

        progress.completed(10);
        assertThat(progress.committable()).hasValue(13);

        progress.completed(13);
        assertThat(progress.committable()).hasValue(15);
    }

    @Test
    void anOffsetIsOfferedOnceUntilItMoves() {
        progress.dispatched(0);
        progress.completed(0);
        assertThat(progress.committable()).hasValue(1);

        progress.committed(1);
        assertThat(progress.committable()).isEmpty();

        progress.dispatched(1);
        assertThat(progress.committable()).isEmpty();
        progress.completed(1);
        assertThat(progress.committable()).hasValue(2);
    }

    @Test
    void awaitIdleReturnsWhenTheLastRecordCompletes() throws Exception {
        progress.dispatched(5);
        Thread finisher = new Thread(() -> progress.completed(5));
        finisher.start();

        assertThat(progress.awaitIdle(System.currentTimeMillis() + 5000)).isTrue();
        assertThat(progress.inFlight()).isZero();
    }

    @Test
    void awaitIdleGivesUpAtTheDeadline() throws Exception {
        progress.dispatched(5);

        assertThat(progress.awaitIdle(System.currentTimeMillis() + 50)).isFalse();
    }
}
