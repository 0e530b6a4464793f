package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestDatabase;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole message path with nothing mocked: every service runs as its own JVM from its runnable jar, against
 * a real KRaft broker, the real Redis and MariaDB, and the sandbox playing WeChat and DeepSeek. Messages enter
 * through the gateway, exactly as WeChat's servers would send them.
 */
class MessagePathIT {

    private static final String TOKEN = "e2e-token";
    private static final String APP_ID = "wxe2e" + UUID.randomUUID().toString().substring(0, 8);
    private static final String APP_SECRET = "e2e-secret";
    private static final String API_KEY = "sk-e2e";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<ServiceProcess> services = new ArrayList<>();
    private static String gateway;
    private static String sandbox;

    @BeforeAll
    static void startEveryService() {
        String kafka = KafkaBroker.embedded().bootstrapServers();
        String database = TestDatabase.recreate("wxai_e2e");
        int sandboxPort = ServiceProcess.freePort();
        int orderPort = ServiceProcess.freePort();
        int ingressPort = ServiceProcess.freePort();
        int workerPort = ServiceProcess.freePort();
        int gatewayPort = ServiceProcess.freePort();
        sandbox = "http://127.0.0.1:" + sandboxPort;

        services.add(ServiceProcess.start("sandbox", sandboxPort, "128m", Map.of(
                "wxai.sandbox.app-id", APP_ID,
                "wxai.sandbox.app-secret", APP_SECRET,
                "wxai.sandbox.deepseek-api-key", API_KEY,
                "wxai.sandbox.model-latency", "100ms")));
        services.add(ServiceProcess.start("order-service", orderPort, "256m", Map.of(
                "spring.r2dbc.url", TestDatabase.r2dbcUrl(database),
                "spring.r2dbc.username", TestDatabase.user(),
                "spring.r2dbc.password", TestDatabase.password(),
                "spring.flyway.url", TestDatabase.jdbcUrl(database))));
        services.add(ServiceProcess.start("wechat-ingress-service", ingressPort, "256m", Map.of(
                "spring.kafka.bootstrap-servers", kafka,
                "spring.data.redis.url", TestRedis.url(),
                "wxai.wechat.app-id", APP_ID,
                "wxai.wechat.token", TOKEN)));
        services.add(ServiceProcess.start("ai-worker-service", workerPort, "256m", Map.of(
                "spring.kafka.bootstrap-servers", kafka,
                "spring.data.redis.url", TestRedis.url(),
                "wxai.wechat.app-id", APP_ID,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox,
                "wxai.deepseek.base-url", sandbox,
                "wxai.deepseek.api-key", API_KEY)));
        ServiceProcess gatewayProcess = ServiceProcess.start("gateway-service", gatewayPort, "256m", Map.of(
                "spring.data.redis.url", TestRedis.url(),
                "wxai.gateway.ingress-uri", "http://127.0.0.1:" + ingressPort,
                "wxai.gateway.order-uri", "http://127.0.0.1:" + orderPort));
        services.add(gatewayProcess);
        gateway = gatewayProcess.baseUrl();
        services.forEach(service -> service.awaitHealthy(START_TIMEOUT));
    }

    @AfterAll
    static void stopEveryService() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    @Test
    void signedMessageThroughTheGatewayIsAnsweredOnceWithTheModelsAnswer() throws Exception {
        String openid = WechatRequests.newOpenid();
        String question = "什么是大语言模型？ " + UUID.randomUUID();

        HttpResponse<String> response = postMessage(openid, WechatRequests.newMsgId(), question, TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        List<JsonNode> replies = awaitRepliesTo(openid, 1);
        String modelAnswer = modelAnswerTo(question);
        assertThat(replies.get(0).path("content").asString()).isEqualTo(modelAnswer);
        assertExactlyOneSuccessfulReplyStays(openid);
    }

    @Test
    void wechatRetriesOfOneMessageGetOneAnswer() throws Exception {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        for (int delivery = 0; delivery < 3; delivery++) {
            assertThat(postMessage(openid, msgId, "retried " + msgId, TOKEN).body()).isEqualTo("success");
        }

        awaitRepliesTo(openid, 1);
        assertExactlyOneSuccessfulReplyStays(openid);
    }

    @Test
    void wrongSignatureGets403AndPublishesNothing() throws Exception {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        HttpResponse<String> response = postMessage(openid, msgId, "forged", "a-guessed-token");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(), Topics.INBOUND,
                record -> record.value().contains(msgId))).isEmpty();
        assertThat(received(openid).path("customMessages")).isEmpty();
    }

    @Test
    void rejectedAccessTokenIsRefreshedOnceAndTheReplyStillArrives() throws Exception {
        String openid = WechatRequests.newOpenid();
        // Make sure a token is cached before counting fetches, whichever test ran first.
        String warmUp = WechatRequests.newOpenid();
        postMessage(warmUp, WechatRequests.newMsgId(), "warm-up", TOKEN);
        await().atMost(Duration.ofSeconds(30)).until(() -> anyReplyTo(warmUp));
        int fetchesBefore = received(openid).path("tokenFetches").asInt();
        send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"custom-send\",\"code\":40001,\"times\":1}")));

        postMessage(openid, WechatRequests.newMsgId(), "after a token reset", TOKEN);

        awaitRepliesTo(openid, 1);
        assertExactlyOneSuccessfulReplyStays(openid);
        assertThat(received(openid).path("tokenFetches").asInt()).isEqualTo(fetchesBefore + 1);
        assertThat(received(openid).path("customMessages")).extracting(m -> m.path("errcode").asInt())
                .containsExactly(40001, 0);
    }

    @Test
    void urlVerificationWorksThroughTheGateway() throws Exception {
        String query = WechatRequests.signedQuery(TOKEN, "unused") + "&echostr=5837397520665046024";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(gateway + "/wechat?" + query)).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("5837397520665046024");
    }

    @Test
    void productsAreServedThroughTheGateway() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(gateway + "/api/products")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode products = JSON.readTree(response.body());
        assertThat(StreamSupport.stream(products.spliterator(), false).map(p -> p.path("sku").asString()))
                .contains("COURSE-AI-101", "MEMBER-MONTH");
        assertThat(products.get(0).path("priceFen").isIntegralNumber()).isTrue();
    }

    private static HttpResponse<String> postMessage(String openid, String msgId, String content, String token)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(gateway + "/wechat?" + WechatRequests.signedQuery(token, openid)))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.textXml(openid, msgId, content))));
    }

    private static List<JsonNode> awaitRepliesTo(String openid, int count) throws IOException, InterruptedException {
        await().atMost(Duration.ofSeconds(30)).until(() -> successfulReplies(openid).size() >= count);
        return successfulReplies(openid);
    }

    /** No second answer turns up later, e.g. from a redelivered record. */
    private static void assertExactlyOneSuccessfulReplyStays(String openid) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> successfulReplies(openid).size() == 1);
    }

    private static boolean anyReplyTo(String openid) throws Exception {
        return !successfulReplies(openid).isEmpty();
    }

    private static List<JsonNode> successfulReplies(String openid) throws IOException, InterruptedException {
        return StreamSupport.stream(received(openid).path("customMessages").spliterator(), false)
                .filter(message -> message.path("errcode").asInt() == 0)
                .toList();
    }

    private static String modelAnswerTo(String question) throws IOException, InterruptedException {
        return StreamSupport.stream(received(null).path("modelCalls").spliterator(), false)
                .filter(call -> question.equals(call.path("lastUserMessage").asString()))
                .map(call -> call.path("answer").asString())
                .findFirst()
                .orElseThrow(() -> new AssertionError("the model was never asked: " + question));
    }

    private static JsonNode received(String openid) throws IOException, InterruptedException {
        String query = openid == null ? "" : "?openid=" + openid;
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/received" + query)).GET()).body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
