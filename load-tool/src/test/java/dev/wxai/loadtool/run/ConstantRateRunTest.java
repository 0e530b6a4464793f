package dev.wxai.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.wxai.loadtool.TestServer;
import dev.wxai.loadtool.ceiling.CeilingServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

class ConstantRateRunTest {

    @Test
    void keepsTheRateAndAnswersEveryRequest(@TempDir Path directory) throws Exception {
        Path hgrm = directory.resolve("ceiling.hgrm");
        try (CeilingServer ceiling = CeilingServer.start("127.0.0.1", 0, 2)) {
            Summary summary = Runs.run(Runs.settings("http://127.0.0.1:" + ceiling.port() + "/wechat", 2000,
                    Duration.ofMillis(500), Duration.ofSeconds(1), 32, Duration.ofSeconds(5), 50_000, hgrm),
                    index -> LoadRequest.get("http://127.0.0.1:" + ceiling.port() + "/wechat"));

            assertThat(summary.sent()).isEqualTo(2000);
            assertThat(summary.completed()).isEqualTo(2000);
            assertThat(summary.statuses()).isEqualTo(Map.of(200, 2000L));
            assertThat(summary.errorCount()).isZero();
            assertThat(summary.unanswered()).isZero();
            assertThat(summary.achievedRate()).isCloseTo(2000, within(100.0));
            assertThat(summary.latency().getTotalCount()).isEqualTo(2000);
        }
        assertThat(Files.readString(hgrm)).contains("Percentile").contains("Total count    =         2000");
    }

    @Test
    void aSlowTargetShowsItsDelay() throws Exception {
        try (TestServer slow = TestServer.answeringAfter(Duration.ofMillis(50))) {
            Summary summary = Runs.get(Runs.settings(slow.url("/api/stats"), 200, Duration.ofMillis(200),
                    Duration.ofSeconds(1), 64));

            assertThat(summary.completed()).isEqualTo(200);
            assertThat(summary.percentileMs(50)).isGreaterThanOrEqualTo(50);
        }
    }

    /**
     * The target stops answering for 300 ms in the middle of the run, as in a long GC pause. The requests due in
     * those 300 ms are still sent on time, wait, and show their wait: about a fifth of the run, so p99 is most of
     * the stall. A closed-model tool would have sent only one request per connection during the stall.
     */
    @Test
    void aStalledTargetShowsUpInTheHighPercentiles() throws Exception {
        AtomicLong requests = new AtomicLong();
        long[] stallUntil = {0};
        try (TestServer stalling = TestServer.answering((request, body) -> {
            long now = System.nanoTime();
            synchronized (stallUntil) {
                if (requests.incrementAndGet() == 1000) {
                    stallUntil[0] = now + Duration.ofMillis(300).toNanos();
                }
                long wait = stallUntil[0] - now;
                return wait > 0 ? Mono.delay(Duration.ofNanos(wait)).thenReturn(TestServer.Answer.ok())
                        : Mono.just(TestServer.Answer.ok());
            }
        })) {
            Summary summary = Runs.get(Runs.settings(stalling.url("/wechat"), 1000, Duration.ofMillis(300),
                    Duration.ofMillis(1200), 16));

            assertThat(summary.completed()).isEqualTo(summary.sent()).isEqualTo(1200);
            assertThat(summary.percentileMs(99)).isGreaterThanOrEqualTo(200);
            // 16 connections were held by the stall: the requests behind them waited for one, and that counted.
            assertThat(summary.peakPendingAcquire()).isGreaterThan(0);
        }
    }

    /**
     * One connection to a target that takes 50 ms: it serves 20 requests a second and we ask 40. Each request waits
     * behind the ones before it, and its latency is measured from when it was due, so the queue shows: request i
     * ends near (i + 1) × 50 ms and was due at i × 25 ms. A tool that timed from the moment it sent would report
     * 50 ms for every one.
     */
    @Test
    void aQueueInFrontOfTheTargetIsMeasuredFromEachRequestsIntendedStart() throws Exception {
        try (TestServer slow = TestServer.answeringAfter(Duration.ofMillis(50))) {
            Summary summary = Runs.get(Runs.settings(slow.url("/wechat"), 40, Duration.ZERO, Duration.ofSeconds(1), 1));

            assertThat(summary.completed()).isEqualTo(40);
            assertThat(summary.percentileMs(50)).isGreaterThan(400);
            assertThat(summary.maxMs()).isGreaterThan(900);
        }
    }

    @Test
    void aHungTargetFillsMaxInFlightAndTheRestAreCountedAsDropped() throws Exception {
        try (TestServer hung = TestServer.neverAnswering()) {
            Summary summary = Runs.get(Runs.settings(hung.url("/wechat"), 200, Duration.ZERO,
                    Duration.ofMillis(500), 64, Duration.ofSeconds(1), 20, null));

            assertThat(summary.sent()).isEqualTo(20);
            assertThat(summary.errors()).containsEntry("timeout", 20L).containsEntry("dropped", 80L);
            assertThat(summary.completed()).isZero();
            assertThat(summary.unanswered()).isZero();
            // A timed-out request took at least the timeout; it is in the latencies, not left out.
            assertThat(summary.percentileMs(50)).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void nothingListeningIsCountedAsConnectErrors() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Summary summary = Runs.get(Runs.settings("http://127.0.0.1:" + port + "/wechat", 100, Duration.ZERO,
                Duration.ofMillis(300), 8));

        assertThat(summary.errors()).containsEntry("connect", 30L);
        assertThat(summary.completed()).isZero();
        assertThat(summary.toJson()).contains("\"connect\":30");
    }
}
