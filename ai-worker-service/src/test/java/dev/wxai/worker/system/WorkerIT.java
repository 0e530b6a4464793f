package dev.wxai.worker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestProducer;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker as it runs in production, its own JVM from its runnable jar, consuming the real broker with the real
 * Redis, while the sandbox plays DeepSeek and WeChat. The test plays the ingress: it publishes inbound records.
 */
class WorkerIT {

    private static final String APP_SECRET = "worker-it-secret";
    private static final String API_KEY = "sk-worker-it";
    private static final String APP_ID = "wxworkerit" + UUID.randomUUID().toString().substring(0, 6);

    private static ServiceProcess sandboxProcess;
    private static SandboxClient sandbox;
    private static ServiceProcess worker;
    private static KafkaProducer<String, String> ingress;

    @BeforeAll
    static void start() {
        sandboxProcess = ServiceProcess.start("sandbox", ServiceProcess.freePorts(1)[0], "256m", Map.of(
                "wxai.sandbox.app-id", APP_ID,
                "wxai.sandbox.app-secret", APP_SECRET,
                "wxai.sandbox.deepseek-api-key", API_KEY,
                "wxai.sandbox.model-latency", "100ms"));
        sandbox = new SandboxClient(sandboxProcess.baseUrl());
        worker = startWorker();
        sandboxProcess.awaitHealthy(Duration.ofMinutes(2));
        worker.awaitHealthy(Duration.ofMinutes(2));

        ingress = TestProducer.to(KafkaBroker.embedded().bootstrapServers());
    }

    static ServiceProcess startWorker() {
        return startWorker(Map.of());
    }

    static ServiceProcess startWorker(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", KafkaBroker.embedded().bootstrapServers(),
                "spring.data.redis.url", TestRedis.url(),
                "wxai.wechat.app-id", APP_ID,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox.baseUrl(),
                "wxai.deepseek.base-url", sandbox.baseUrl(),
                "wxai.deepseek.api-key", API_KEY,
                "wxai.worker.free-daily-quota", "3",
                "wxai.worker.claim-ttl", "15s",
                "wxai.worker.drain-timeout", "5s"));
        properties.putAll(Map.of(
                // A killed worker's partitions move after 6 s instead of the default 45 s.
                "spring.kafka.consumer.properties.session.timeout.ms", "6000",
                "spring.kafka.consumer.properties.heartbeat.interval.ms", "1000",
                "resilience4j.retry.instances.deepseek.wait-duration", "200ms",
                // No order-service here: a cache miss cannot be filled, and the user counts as a member (see the quota test).
                "wxai.entitlements.url", "http://127.0.0.1:9"));
        properties.putAll(overrides);
        // A new port each time: the port of a worker that was just stopped may not be free yet.
        return ServiceProcess.start("ai-worker-service", ServiceProcess.freePorts(1)[0], "256m", properties);
    }

    @AfterEach
    void normalModel() {
        sandbox.modelLatency(Duration.ofMillis(100));
    }

    @AfterAll
    static void stop() {
        if (ingress != null) {
            ingress.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (sandboxProcess != null) {
            sandboxProcess.close();
        }
    }

    @Test
    void aHundredUsersWithASlowModelAreAnsweredTogetherNotOneAfterAnother() {
        sandbox.modelLatency(Duration.ofSeconds(2));
        List<String> openids = IntStream.range(0, 100).mapToObj(i -> WechatRequests.newOpenid()).toList();
        long start = System.nanoTime();

        openids.forEach(openid -> publish(openid, "并发问题 " + openid));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> openids.stream().allMatch(openid -> sandbox.successfulReplies(openid).size() == 1));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        // One at a time would take 100 × 2 s; concurrently it is a small multiple of one answer.
        assertThat(elapsed).isLessThan(Duration.ofSeconds(12));
    }

    /**
     * A poll returns up to max-poll-records (200) at once; with four slots the other records must wait for a slot, not
     * go ahead and meet a full DeepSeek bulkhead (they used to get an apology).
     */
    @Test
    void recordsBeyondTheFreeSlotsWaitForOneInsteadOfMeetingAFullBulkhead() {
        worker.close();
        ServiceProcess limited = startWorker(Map.of("wxai.worker.max-in-flight", "4", "wxai.deepseek.max-in-flight", "4"))
                .awaitHealthy(Duration.ofMinutes(2));
        try {
            sandbox.modelLatency(Duration.ofMillis(500));
            List<String> openids = IntStream.range(0, 40).mapToObj(i -> WechatRequests.newOpenid()).toList();
            long start = System.nanoTime();

            openids.forEach(openid -> publish(openid, "排队的问题 " + openid));

            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> openids.stream().allMatch(openid -> sandbox.successfulReplies(openid).size() == 1));
            assertThat(openids).allSatisfy(openid -> assertThat(sandbox.successfulReplies(openid).get(0).path("content")
                    .asString()).as("the model's answer, not an apology").contains(openid));
            // 40 answers of 0.5 s, at most 4 at a time: at least 5 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(4900));
        } finally {
            limited.close();
            worker = startWorker().awaitHealthy(Duration.ofMinutes(2));
        }
    }

    @Test
    void oneUsersMessagesAreAnsweredInTheOrderTheyWereSent() {
        String openid = WechatRequests.newOpenid();
        List<String> questions = List.of("第一个问题", "第二个问题", "第三个问题");

        questions.forEach(question -> publish(openid, question + " " + openid));

        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.successfulReplies(openid).size() == 3);
        assertThat(sandbox.successfulReplies(openid)).extracting(reply -> reply.path("content").asString())
                .satisfiesExactly(
                        first -> assertThat(first).contains("第一个问题"),
                        second -> assertThat(second).contains("第二个问题"),
                        third -> assertThat(third).contains("第三个问题"));
    }

    @Test
    void twoServerErrorsAreRetriedIntoOneReply() {
        String openid = WechatRequests.newOpenid();
        String question = "retry me " + openid;
        sandbox.fault("chat", 503, 2);

        publish(openid, question);

        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.successfulReplies(openid).size() == 1);
        assertThat(sandbox.modelCallsFor(question)).extracting(call -> call.path("status").asInt())
                .containsExactly(503, 503, 200);
        assertThat(sandbox.successfulReplies(openid).get(0).path("content").asString())
                .isEqualTo(sandbox.modelAnswerTo(question));
        stillExactlyOneReply(openid);
    }

    @Test
    void aRejectedKeyIsNotRetriedTheUserGetsAnApologyAndTheRecordIsDeadLettered() {
        String openid = WechatRequests.newOpenid();
        String question = "unauthorized " + openid;
        sandbox.fault("chat", 401, 1);

        String msgId = publish(openid, question);

        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.successfulReplies(openid).size() == 1);
        assertThat(sandbox.modelCallsFor(question)).hasSize(1);
        assertThat(sandbox.successfulReplies(openid).get(0).path("content").asString()).contains("抱歉");
        await().atMost(Duration.ofSeconds(10)).until(() -> !deadLettersOf(msgId).isEmpty());
        assertThat(new String(deadLettersOf(msgId).get(0).headers().lastHeader("wxai-dlt-reason").value()))
                .contains("401");
        stillExactlyOneReply(openid);
    }

    @Test
    void theConversationSoFarGoesWithTheNextQuestionUntilReset() {
        String openid = WechatRequests.newOpenid();
        String first = "我叫小明 " + openid;
        String second = "我叫什么？ " + openid;
        String third = "重新开始后 " + openid;

        publish(openid, first);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.successfulReplies(openid).size() == 1);
        publish(openid, second);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.successfulReplies(openid).size() == 2);
        publish(openid, "/reset");
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.successfulReplies(openid).size() == 3);
        publish(openid, third);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.successfulReplies(openid).size() == 4);

        // system prompt + user: 2; with one earlier exchange: 4
        assertThat(sandbox.modelCallsFor(first).get(0).path("messageCount").asInt()).isEqualTo(2);
        assertThat(sandbox.modelCallsFor(second).get(0).path("messageCount").asInt()).isEqualTo(4);
        assertThat(sandbox.modelCallsFor("/reset")).as("/reset is not sent to the model").isEmpty();
        assertThat(sandbox.successfulReplies(openid).get(2).path("content").asString()).contains("重新开始");
        assertThat(sandbox.modelCallsFor(third).get(0).path("messageCount").asInt()).isEqualTo(2);
    }

    @Test
    void overTheFreeQuotaTheUserIsToldHowToUpgradeAndAPaidMembershipLiftsIt() throws Exception {
        String openid = WechatRequests.newOpenid();
        // What the order-service answers for a user who never paid, as the cache holds it (SystemIT-level tests ask the
        // real order-service; here it is not running).
        TestRedis.template().opsForValue().set(Keys.entitlement(openid), "0:0", Duration.ofMinutes(5)).block();
        for (int i = 1; i <= 4; i++) {
            publish(openid, "question " + i + " " + openid);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.successfulReplies(openid).size() == 4);
        assertThat(sandbox.successfulReplies(openid).get(3).path("content").asString()).contains("会员");
        assertThat(sandbox.modelCallsFor("question 4 " + openid)).isEmpty();

        paid(openid, 1, System.currentTimeMillis() + Duration.ofDays(30).toMillis());
        await().atMost(Duration.ofSeconds(20)).until(() -> TestRedis.template().opsForValue().get(Keys.entitlement(openid))
                .block().startsWith("1:"));
        publish(openid, "question 5 " + openid);

        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.successfulReplies(openid).size() == 5);
        assertThat(sandbox.modelCallsFor("question 5 " + openid)).hasSize(1);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAtOnce() throws Exception {
        String marker = "poison-" + UUID.randomUUID();
        ingress.send(new ProducerRecord<>(Topics.INBOUND, "oPoison", "{not json " + marker)).get();

        await().atMost(Duration.ofSeconds(10)).until(() -> !TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(),
                Topics.INBOUND_DLT, record -> record.value().contains(marker)).isEmpty());
    }

    @Test
    void aWorkerKilledMidFlightIsReplacedAndEveryMessageIsAnsweredExactlyOnce() {
        killMidFlightAndExpectExactlyOnce(Map.of());
    }

    /** Outside the window nothing is ambiguous, so at-most-once loses nothing either. */
    @Test
    void underSkipAWorkerKilledMidFlightIsReplacedAndEveryMessageIsAnsweredExactlyOnce() {
        try {
            killMidFlightAndExpectExactlyOnce(Map.of("wxai.worker.on-ambiguous-send", "skip"));
            assertThat(ambiguousSends(worker, "skip")).isZero();
        } finally {
            worker.close();
            worker = startWorker().awaitHealthy(Duration.ofMinutes(2));
        }
    }

    private static void killMidFlightAndExpectExactlyOnce(Map<String, String> policy) {
        if (!policy.isEmpty()) {
            worker.close();
            worker = startWorker(policy).awaitHealthy(Duration.ofMinutes(2));
        }
        ServiceProcess second = startWorker(policy).awaitHealthy(Duration.ofMinutes(2));
        try {
            sandbox.modelLatency(Duration.ofSeconds(3));
            List<String> openids = IntStream.range(0, 40).mapToObj(i -> WechatRequests.newOpenid()).toList();
            List<String> msgIds = openids.stream().map(openid -> publish(openid, "接管测试 " + openid)).toList();
            // Both workers hold calls in flight (every message claimed, no answer due for 3 s); one dies without
            // draining or committing, outside the window the two tests below open on purpose.
            await().atMost(Duration.ofSeconds(10)).until(() -> msgIds.stream()
                    .allMatch(msgId -> TestRedis.template().hasKey(Keys.delivered(msgId)).block()));
            worker.kill();
            worker = startWorker(policy);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> openids.stream().allMatch(openid -> !sandbox.successfulReplies(openid).isEmpty()));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .until(() -> openids.stream().allMatch(openid -> sandbox.successfulReplies(openid).size() == 1));
        } finally {
            second.close();
            worker.awaitHealthy(Duration.ofMinutes(2));
        }
    }

    /**
     * The one window no worker can close: WeChat took the reply (the user has it) and the worker dies before its mark.
     * The sandbox holds its answer to the send, and the worker is killed then. At least once: the successor sends it
     * again, and says so.
     */
    @Test
    void aWorkerKilledAfterWechatTookTheReplyIsResentAndCountedUnderResend() {
        String openid = WechatRequests.newOpenid();
        String msgId = killWhileWechatHoldsTheAnswer(openid, Map.of());

        await().atMost(Duration.ofSeconds(40)).until(() -> sandbox.successfulReplies(openid).size() == 2);
        assertThat(sandbox.successfulReplies(openid)).extracting(reply -> reply.path("content").asString())
                .as("the same answer twice: the model was not asked again").containsOnly(sandbox.successfulReplies(openid)
                        .get(0).path("content").asString());
        assertThat(sandbox.modelCallsFor("窗口 " + openid)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(TestRedis.template().opsForValue()
                .get(Keys.delivered(msgId)).block()));
        assertThat(ambiguousSends(worker, "resend")).isEqualTo(1.0);
    }

    /** At most once: the successor does not send the piece whose fate is unknown, and says so. */
    @Test
    void aWorkerKilledAfterWechatTookTheReplyIsNotResentUnderSkip() {
        String openid = WechatRequests.newOpenid();
        try {
            String msgId = killWhileWechatHoldsTheAnswer(openid, Map.of("wxai.worker.on-ambiguous-send", "skip"));

            await().atMost(Duration.ofSeconds(40)).until(() -> "sent".equals(TestRedis.template().opsForValue()
                    .get(Keys.delivered(msgId)).block()));
            assertThat(ambiguousSends(worker, "skip")).isEqualTo(1.0);
            assertThat(sandbox.successfulReplies(openid)).hasSize(1);
        } finally {
            worker.close();
            worker = startWorker().awaitHealthy(Duration.ofMinutes(2));
        }
    }

    /** Publishes a question, kills the worker while WeChat holds its answer to the reply, starts a successor. */
    private static String killWhileWechatHoldsTheAnswer(String openid, Map<String, String> successor) {
        sandbox.fault("custom-send-hold", 30, 1);
        String msgId = publish(openid, "窗口 " + openid);
        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.successfulReplies(openid).size() == 1);
        worker.kill();
        worker = startWorker(successor).awaitHealthy(Duration.ofMinutes(2));
        return msgId;
    }

    private static double ambiguousSends(ServiceProcess process, String policy) {
        String metrics = java.net.http.HttpClient.newHttpClient().sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(process.managementUrl() + "/actuator/prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).join().body();
        return metrics.lines().filter(line -> line.startsWith("wxai_worker_ambiguous_sends_total{")
                        && line.contains("policy=\"" + policy + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aWorkerStoppedGracefullyFinishesWhatItStartedAndCommitsIt() {
        sandbox.modelLatency(Duration.ofSeconds(2));
        List<String> openids = IntStream.range(0, 30).mapToObj(i -> WechatRequests.newOpenid()).toList();
        openids.forEach(openid -> publish(openid, "优雅停机 " + openid));
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.modelCalls().stream()
                .filter(call -> call.path("lastUserMessage").asString().startsWith("优雅停机")).count() >= 30);

        worker.close(); // SIGTERM: stop fetching, drain (5 s here), commit, leave the group
        // Every answer that was in flight went out before the JVM exited.
        assertThat(openids).allSatisfy(openid -> assertThat(sandbox.successfulReplies(openid)).hasSize(1));

        worker = startWorker().awaitHealthy(Duration.ofMinutes(2));
        sandbox.modelLatency(Duration.ofMillis(100));
        String probe = WechatRequests.newOpenid();
        publish(probe, "after the restart " + probe);
        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.successfulReplies(probe).size() == 1);
        // The committed offsets were past them: the new worker asked the model about none of them again.
        assertThat(sandbox.modelCalls().stream()
                .filter(call -> call.path("lastUserMessage").asString().startsWith("优雅停机"))).hasSize(30);
    }

    @Test
    void theCacheKeepsTheNewestRevisionWhateverOrderEventsArriveIn() throws Exception {
        String openid = WechatRequests.newOpenid();
        long until = System.currentTimeMillis() + Duration.ofDays(30).toMillis();
        paid(openid, 1, until);
        refunded(openid, 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> "2:0".equals(TestRedis.template().opsForValue().get(Keys.entitlement(openid)).block()));

        // A copy of the older event (the relay publishes at least once) comes last: it changes nothing. A marker event
        // with the same key (so the same partition, consumed after the copy) shows when the copy has been handled.
        paid(openid, 1, until);
        String marker = WechatRequests.newOpenid();
        orderEvent(orderOf(openid), marker, OrderEvent.PAID, 0, until, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestRedis.template().hasKey(Keys.entitlement(marker)).block());
        assertThat(TestRedis.template().opsForValue().get(Keys.entitlement(openid)).block()).isEqualTo("2:0");
    }

    private static void paid(String openid, long revision, long until) throws Exception {
        orderEvent(orderOf(openid), openid, OrderEvent.PAID, 0, until, revision);
    }

    private static void refunded(String openid, long revision) throws Exception {
        orderEvent(orderOf(openid), openid, OrderEvent.REFUNDED, 2900, null, revision);
    }

    private static String orderOf(String openid) {
        return "WXIT" + openid.substring(openid.length() - 10);
    }

    private static void orderEvent(String orderId, String openid, String type, long refundedFen, Long until, long revision)
            throws Exception {
        OrderEvent event = new OrderEvent(OrderEvent.VERSION, UUID.randomUUID().toString(), type, orderId, openid, "MEMBER-MONTH",
                "MEMBERSHIP", 30, System.currentTimeMillis(), refundedFen, until, revision);
        ingress.send(new ProducerRecord<>(Topics.ORDER_EVENTS, orderId, EventJson.write(event))).get();
    }

    private static String publish(String openid, String content) {
        String msgId = WechatRequests.newMsgId();
        InboundMessage message = new InboundMessage(InboundMessage.VERSION, msgId, openid, APP_ID, "text", content,
                null, null, System.currentTimeMillis() / 1000, System.currentTimeMillis(), "push");
        try {
            ingress.send(new ProducerRecord<>(Topics.INBOUND, openid, EventJson.write(message))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return msgId;
    }

    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> deadLettersOf(String msgId) {
        return TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(), Topics.INBOUND_DLT,
                record -> record.value().contains("\"msgId\":\"" + msgId + "\""));
    }

    private static void stillExactlyOneReply(String openid) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> sandbox.successfulReplies(openid).size() == 1);
    }

}
