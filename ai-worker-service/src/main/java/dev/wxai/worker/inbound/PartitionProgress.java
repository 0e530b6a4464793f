package dev.wxai.worker.inbound;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Which records of one partition are still being worked on, so that the committed offset never passes a record
 * that is not done: Kafka keeps one offset per partition, not per record. Records finish out of order (users'
 * answers take different times); the commit follows the oldest unfinished one.
 *
 * <p>Dispatch and commit happen on the consumer thread, completion on whichever thread finished the work.
 */
final class PartitionProgress {

    private final TreeSet<Long> inFlight = new TreeSet<>();
    private long nextToDispatch = -1;
    private long lastCommitted = -1;

    synchronized void dispatched(long offset) {
        inFlight.add(offset);
        nextToDispatch = offset + 1;
    }

    synchronized void completed(long offset) {
        inFlight.remove(offset);
        if (inFlight.isEmpty()) {
            notifyAll();
        }
    }

    /** The offset to commit (the next record to read after a restart), if it moved since the last commit. */
    synchronized OptionalLong committable() {
        if (nextToDispatch < 0) {
            return OptionalLong.empty();
        }
        long offset = inFlight.isEmpty() ? nextToDispatch : inFlight.first();
        return offset > lastCommitted ? OptionalLong.of(offset) : OptionalLong.empty();
    }

    synchronized void committed(long offset) {
        lastCommitted = Math.max(lastCommitted, offset);
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    /** Waits until nothing of this partition is in flight or the deadline passes; on the consumer thread only. */
    synchronized boolean awaitIdle(long deadlineMillis) throws InterruptedException {
        long remaining;
        while (!inFlight.isEmpty() && (remaining = deadlineMillis - System.currentTimeMillis()) > 0) {
            wait(remaining);
        }
        return inFlight.isEmpty();
    }
}
