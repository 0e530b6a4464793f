package dev.wxai.worker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestProducer;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What users meet beyond a plain answer, on the worker's jar with the sandbox playing WeChat, DeepSeek and a second
 * OpenAI-compatible provider: voice, typing, the content filter both ways, the question cap, the fallback model, and
 * the account's daily model budget.
 */
class BotBehaviourIT {

    private static final String APP_SECRET = "bot-it-secret";
    private static final String API_KEY = "sk-bot-it";
    private static final String APP_ID = "wxbotit" + UUID.randomUUID().toString().substring(0, 6);

    private static ServiceProcess sandboxProcess;
    private static SandboxClient sandbox;
    private static ServiceProcess worker;
    private static KafkaProducer<String, String> ingress;

    @BeforeAll
    static void start() {
        sandboxProcess = ServiceProcess.start("sandbox", ServiceProcess.freePorts(1)[0], "192m", Map.of(
                "wxai.sandbox.app-id", APP_ID,
                "wxai.sandbox.app-secret", APP_SECRET,
                "wxai.sandbox.deepseek-api-key", API_KEY,
                "wxai.sandbox.model-latency", "100ms"));
        sandbox = new SandboxClient(sandboxProcess.baseUrl());
        Map<String, String> properties = new HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", KafkaBroker.embedded().bootstrapServers(),
                "spring.data.redis.url", TestRedis.url(),
                "wxai.wechat.app-id", APP_ID,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox.baseUrl(),
                "wxai.deepseek.base-url", sandbox.baseUrl(),
                "wxai.deepseek.api-key", API_KEY,
                "wxai.entitlements.url", "http://127.0.0.1:9",
                "resilience4j.retry.instances.deepseek.wait-duration", "200ms"));
        properties.putAll(Map.of(
                "wxai.deepseek.fallback.base-url", sandbox.baseUrl() + "/fallback",
                "wxai.deepseek.fallback.api-key", API_KEY,
                "wxai.deepseek.fallback.model", "fallback-model",
                "wxai.safety.blocked-words", "违禁词,芝麻开门",
                "wxai.worker.daily-model-calls", "1000",
                "wxai.worker.typing-renew", "1s"));
        worker = ServiceProcess.start("ai-worker-service", ServiceProcess.freePorts(1)[0], "256m", properties);
        sandboxProcess.awaitHealthy(Duration.ofMinutes(2));
        worker.awaitHealthy(Duration.ofMinutes(2));

        ingress = TestProducer.to(KafkaBroker.embedded().bootstrapServers());
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
    void aVoiceMessageIsAnsweredFromItsTranscript() {
        String openid = WechatRequests.newOpenid();
        String spoken = "语音里问：什么是大模型？ " + UUID.randomUUID();

        publish(openid, "voice", spoken);

        String reply = firstReply(openid);
        assertThat(reply).isEqualTo(sandbox.modelAnswerTo(spoken));
    }

    @Test
    void typingIsShownBeforeASlowAnswer() {
        sandbox.modelLatency(Duration.ofMillis(2500));
        String openid = WechatRequests.newOpenid();

        publish(openid, "text", "慢慢想 " + UUID.randomUUID());

        firstReply(openid);
        Instant answered = Instant.parse(sandbox.successfulReplies(openid).get(0).path("at").asString());
        List<JsonNode> typing = sandbox.typing(openid);
        assertThat(typing).isNotEmpty();
        assertThat(typing).allSatisfy(command -> assertThat(command.path("command").asString()).isEqualTo("Typing"));
        assertThat(Instant.parse(typing.get(0).path("at").asString())).isBefore(answered);
        // Renewed while the model thought (every second here), and no longer once the answer was out.
        assertThat(typing).hasSizeGreaterThanOrEqualTo(2);
        int afterwards = typing.size();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> sandbox.typing(openid).size() == afterwards);
    }

    @Test
    void aQuestionWithABlockedWordGetsARefusalAndNoModelCall() {
        String openid = WechatRequests.newOpenid();
        String question = "告诉我一些违禁词 " + UUID.randomUUID();

        publish(openid, "text", question);

        assertThat(firstReply(openid)).contains("无法回答");
        assertThat(sandbox.modelCallsFor(question)).isEmpty();
    }

    @Test
    void anAnswerWithABlockedWordNeverReachesTheUser() {
        String openid = WechatRequests.newOpenid();
        String question = "请说出暗号 " + UUID.randomUUID();

        publish(openid, "text", question);

        String reply = firstReply(openid);
        assertThat(sandbox.modelCallsFor(question)).hasSize(1); // the model did answer …
        assertThat(sandbox.modelCallsFor(question).get(0).path("answer").asString()).contains("芝麻开门");
        assertThat(reply).doesNotContain("芝麻开门").contains("换个问题"); // … and the user got the safe text
    }

    @Test
    void aVeryLongQuestionReachesTheModelCutToTheCap() {
        String openid = WechatRequests.newOpenid();
        String marker = UUID.randomUUID().toString();
        String question = marker + "长".repeat(15_000 - marker.length());

        publish(openid, "text", question);

        // The answer echoes 2,000 characters, so it goes out in several messages; the note ends the last one.
        await().atMost(Duration.ofSeconds(30)).until(() -> String.join("", sandbox.successfulReplies(openid).stream()
                .map(piece -> piece.path("content").asString()).toList()).endsWith("（你的问题较长，我只读了前面一部分。）"));
        List<JsonNode> calls = sandbox.modelCalls().stream()
                .filter(call -> call.path("lastUserMessage").asString().startsWith(marker)).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("lastUserMessage").asString()).hasSize(2000);
    }

    @Test
    void whenDeepSeekFailsEveryTryTheFallbackProviderAnswers() {
        String openid = WechatRequests.newOpenid();
        String question = "主模型挂了 " + UUID.randomUUID();
        sandbox.fault("chat", 503, 3); // every attempt of the primary's retry

        publish(openid, "text", question);

        String reply = firstReply(openid);
        List<JsonNode> calls = sandbox.modelCallsFor(question);
        assertThat(calls).extracting(call -> call.path("model").asString() + " " + call.path("status").asInt())
                .containsExactly("deepseek-chat 503", "deepseek-chat 503", "deepseek-chat 503", "fallback-model 200");
        assertThat(reply).isEqualTo(calls.get(3).path("answer").asString()); // nothing says which model wrote it
    }

    @Test
    void whenTheDailyBudgetIsSpentUsersAreToldPolitelyAndTheModelIsNotAsked() {
        String key = Keys.modelCalls(APP_ID, LocalDate.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.BASIC_ISO_DATE));
        TestRedis.template().opsForValue().set(key, "1000").block(); // what every worker together has used today
        try {
            String openid = WechatRequests.newOpenid();
            String question = "预算用完了吗 " + UUID.randomUUID();

            publish(openid, "text", question);

            assertThat(firstReply(openid)).contains("繁忙");
            assertThat(sandbox.modelCallsFor(question)).isEmpty();
            assertThat(TestRedis.template().opsForValue().get(key).block()).isEqualTo("1000");
        } finally {
            TestRedis.template().delete(key).block();
        }
    }

    private static String firstReply(String openid) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !sandbox.successfulReplies(openid).isEmpty());
        return sandbox.successfulReplies(openid).get(0).path("content").asString();
    }

    private static void publish(String openid, String kind, String content) {
        InboundMessage message = new InboundMessage(InboundMessage.VERSION, WechatRequests.newMsgId(), openid, APP_ID, kind, content,
                null, null, System.currentTimeMillis() / 1000, System.currentTimeMillis(), "push");
        try {
            ingress.send(new ProducerRecord<>(Topics.INBOUND, openid, EventJson.write(message))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
