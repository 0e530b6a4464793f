package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import dev.wxai.testsupport.WechatSignIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * The whole message path in push mode with nothing mocked. Messages enter through the gateway exactly as WeChat's
 * servers would send them; answers leave through the (sandbox's) customer-service API.
 */
class MessagePathIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Stack stack;
    private static SandboxClient sandbox;

    @BeforeAll
    static void startEveryService() {
        stack = new Stack("wxai_e2e", Map.of());
        sandbox = new SandboxClient(stack.sandbox());
    }

    @AfterAll
    static void stopEveryService() {
        stack.close();
    }

    @Test
    void signedMessageThroughTheGatewayIsAnsweredOnceWithTheModelsAnswer() throws Exception {
        String openid = WechatRequests.newOpenid();
        String question = "什么是大语言模型？ " + UUID.randomUUID();

        HttpResponse<String> response = postMessage(openid, WechatRequests.newMsgId(), question, Stack.TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        List<JsonNode> replies = awaitRepliesTo(openid, 1);
        assertThat(replies.get(0).path("content").asString()).isEqualTo(sandbox.modelAnswerTo(question));
        assertExactlyOneSuccessfulReplyStays(openid);
    }

    @Test
    void wechatRetriesOfOneMessageGetOneAnswer() throws Exception {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        for (int delivery = 0; delivery < 3; delivery++) {
            assertThat(postMessage(openid, msgId, "retried " + msgId, Stack.TOKEN).body()).isEqualTo("success");
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
        assertThat(sandbox.received(openid).path("customMessages")).isEmpty();
    }

    @Test
    void rejectedAccessTokenIsRefreshedOnceAndTheReplyStillArrives() throws Exception {
        String openid = WechatRequests.newOpenid();
        // Make sure a token is cached before counting fetches, whichever test ran first.
        String warmUp = WechatRequests.newOpenid();
        postMessage(warmUp, WechatRequests.newMsgId(), "warm-up", Stack.TOKEN);
        await().atMost(Duration.ofSeconds(30)).until(() -> !sandbox.successfulReplies(warmUp).isEmpty());
        int fetchesBefore = sandbox.tokenFetches();
        sandbox.fault("custom-send", 40001, 1);

        postMessage(openid, WechatRequests.newMsgId(), "after a token reset", Stack.TOKEN);

        awaitRepliesTo(openid, 1);
        assertExactlyOneSuccessfulReplyStays(openid);
        assertThat(sandbox.tokenFetches()).isEqualTo(fetchesBefore + 1);
        assertThat(sandbox.received(openid).path("customMessages")).extracting(m -> m.path("errcode").asInt())
                .containsExactly(40001, 0);
    }

    @Test
    void urlVerificationWorksThroughTheGateway() throws Exception {
        String query = WechatRequests.signedQuery(Stack.TOKEN, "unused") + "&echostr=5837397520665046024";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/wechat?" + query)).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("5837397520665046024");
    }

    @Test
    void productsAreServedThroughTheGateway() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/api/products")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode products = JSON.readTree(response.body());
        assertThat(StreamSupport.stream(products.spliterator(), false).map(p -> p.path("sku").asString()))
                .contains("COURSE-AI-101", "MEMBER-MONTH");
        assertThat(products.get(0).path("priceFen").isIntegralNumber()).isTrue();
    }

    @Test
    void aMembershipBoughtThroughTheGatewayIsPaidAndLiftsTheUsersQuota() throws Exception {
        String openid = WechatRequests.newOpenid();
        // The buyer signs in through the gateway as inside WeChat: the sandbox plays WeChat's authorize page.
        WechatSignIn.User buyer = WechatSignIn.signIn(stack.gateway(), openid);
        HttpResponse<String> created = buyer.postJson("/api/orders", "{\"sku\":\"MEMBER-MONTH\",\"channel\":\"JSAPI\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String outTradeNo = JSON.readTree(created.body()).path("outTradeNo").asString();

        // The sandbox pays; its notification comes in through the gateway's /pay/notify, as WeChat Pay's would, here
        // under a trace of the test's own so that the payment can be followed to Kafka.
        String traceId = UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> paid = send(HttpRequest.newBuilder(URI.create(stack.sandbox() + "/sandbox/pay/" + outTradeNo))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"copies\":2,\"traceparent\":\"00-" + traceId + "-00f067aa0ba902b7-01\"}")));
        assertThat(JSON.readTree(paid.body()).path("statuses").valueStream().map(JsonNode::asInt)).containsOnly(204);

        JsonNode order = JSON.readTree(buyer.get("/api/orders/" + outTradeNo).body());
        assertThat(order.path("status").asString()).isEqualTo("PAID");
        assertThat(JSON.readTree(buyer.get("/api/me").body()).path("active").asBoolean()).isTrue();
        // Outbox → Kafka → worker: the membership becomes the user's entitlement.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> stack.redis().exists(Keys.entitlement(openid)));
        // One trace from the notification through the outbox to the event the worker consumed.
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> events = TopicSnapshot.read(
                KafkaBroker.embedded().bootstrapServers(), Topics.ORDER_EVENTS, record -> outTradeNo.equals(record.key()));
        assertThat(events).hasSize(1);
        assertThat(new String(events.get(0).headers().lastHeader("traceparent").value(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("00-" + traceId + "-");
        JsonNode stats = JSON.readTree(send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/admin/stats"))
                .header("Authorization", "Bearer " + Stack.OPERATOR_TOKEN).GET()).body());
        assertThat(stats.path("ordersByStatus").path("PAID").asLong()).isPositive();
        assertThat(stats.path("members").asLong()).isPositive();
    }

    @Test
    void aTraceStartedAtTheGatewayIsTheTraceDeepSeekSees() throws Exception {
        String openid = WechatRequests.newOpenid();
        String question = "traced " + UUID.randomUUID();
        String traceId = UUID.randomUUID().toString().replace("-", "");

        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        URI.create(stack.gateway() + "/wechat?" + WechatRequests.signedQuery(Stack.TOKEN, openid)))
                .header("Content-Type", "text/xml")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.textXml(openid, WechatRequests.newMsgId(), question))));
        assertThat(response.body()).isEqualTo("success");

        // Gateway → ingress → Kafka header → worker → DeepSeek: one trace id all the way.
        await().atMost(Duration.ofSeconds(30)).until(() -> !sandbox.modelCallsFor(question).isEmpty());
        String arrived = sandbox.modelCallsFor(question).get(0).path("traceparent").asString();
        assertThat(arrived).startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");
        // The logs an operator follows a message by carry the same trace id.
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.log("ai-worker-service").lines()
                .anyMatch(line -> line.contains(traceId) && line.contains("Answered message")));
    }

    @Test
    void everyServiceExposesTheMetersTheDashboardsUse() throws Exception {
        // (The contract is observability/metrics.txt, which deploy-tests checks every dashboard query against.)
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        postMessage(openid, msgId, "metered " + msgId, Stack.TOKEN);
        postMessage(openid, msgId, "metered " + msgId, Stack.TOKEN); // WeChat's retry: a duplicate
        awaitRepliesTo(openid, 1);
        HttpResponse<String> created = WechatSignIn.signIn(stack.gateway(), openid)
                .postJson("/api/orders", "{\"sku\":\"COURSE-AI-101\",\"channel\":\"NATIVE\"}");
        send(HttpRequest.newBuilder(URI.create(stack.sandbox() + "/sandbox/pay/" + JSON.readTree(created.body()).path("outTradeNo").asString()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));

        Map<String, List<String>> expected = Map.of(
                "wechat-ingress-service", List.of("wxai_ingress_messages_total{", "wxai_ingress_duplicates_total",
                        "wxai_ingress_ack_seconds_bucket{", "wxai_ingress_publish_failures_total"),
                "ai-worker-service", List.of("wxai_worker_inflight", "wxai_deepseek_requests_seconds_count{", "wxai_replies_total{",
                        "wxai_token_refreshes_total{", "wxai_worker_dead_letters_total", "resilience4j_circuitbreaker_state{",
                        "kafka_consumer_fetch_manager_records_lag"),
                "order-service", List.of("wxai_payments_total{", "wxai_revenue_fen_total", "wxai_pay_notifications_total{",
                        "wxai_orders{", "wxai_outbox_pending"),
                "gateway-service", List.of("wxai_gateway_ratelimit_failopen_total", "spring_cloud_gateway_requests_seconds",
                        "wxai_gateway_wechat_requests_seconds_count{"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> expected.forEach((service, meters) -> {
            String scraped = scrape(service);
            assertThat(meters).as(service).allSatisfy(meter -> assertThat(scraped).contains(meter));
            assertThat(scraped).as(service).contains("application=\"" + service + "\"");
        }));
        // Every meter the dashboards and alerts read (observability/metrics.txt) is really exposed by its service,
        // once the events that create it happened: a refused signature, and a user typing faster than the per-openid
        // limit (the ingress's, after the signature check).
        postMessage(WechatRequests.newOpenid(), WechatRequests.newMsgId(), "forged", "not-the-token");
        String fast = WechatRequests.newOpenid();
        for (int i = 0; i < 8; i++) {
            postMessage(fast, WechatRequests.newMsgId(), "fast " + i, Stack.TOKEN);
        }
        java.nio.file.Path contract = java.nio.file.Path.of(System.getProperty("wxai.root", ".."), "observability", "metrics.txt");
        List<String[]> entries = java.nio.file.Files.readAllLines(contract).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> new String[] {line.split("\\s+")[0], line.contains("#") ? line.substring(line.indexOf('#') + 1).trim() : ""})
                .filter(entry -> !entry[0].equals("up"))
                .toList();
        assertThat(entries).hasSizeGreaterThan(20);
        List<String> services = List.of("gateway-service", "wechat-ingress-service", "ai-worker-service", "order-service");
        // Up to 90 s: Micrometer's Kafka binder picks up the per-partition lag series on its 60 s refresh after the
        // worker's partitions are assigned.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, String> scraped = new java.util.HashMap<>();
            services.forEach(service -> scraped.put(service, scrape(service)));
            for (String[] entry : entries) {
                List<String> owners = entry[1].startsWith("every service") ? services
                        : services.stream().filter(entry[1]::startsWith).toList();
                assertThat(owners).as("owner of %s", entry[0]).isNotEmpty();
                owners.forEach(owner -> assertThat(scraped.get(owner)).as("%s on %s", entry[0], owner)
                        .containsPattern("(?m)^" + java.util.regex.Pattern.quote(entry[0]) + "[{ ]"));
            }
        });
        assertThat(scrape("wechat-ingress-service")).contains("wxai_ingress_messages_total{application=\"wechat-ingress-service\",kind=\"text\"}");
        assertThat(scrape("ai-worker-service")).contains("outcome=\"success\"").contains("outcome=\"sent\"");
        assertThat(scrape("order-service")).contains("wxai_payments_total{application=\"order-service\",outcome=\"paid\"}");
    }

    private static String scrape(String service) {
        try {
            return send(HttpRequest.newBuilder(URI.create(stack.managementUrl(service) + "/actuator/prometheus")).GET()).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> postMessage(String openid, String msgId, String content, String token)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/wechat?" + WechatRequests.signedQuery(token, openid)))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.textXml(openid, msgId, content))));
    }

    private static List<JsonNode> awaitRepliesTo(String openid, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.successfulReplies(openid).size() >= count);
        return sandbox.successfulReplies(openid);
    }

    /** No second answer turns up later, e.g. from a redelivered record. */
    private static void assertExactlyOneSuccessfulReplyStays(String openid) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> sandbox.successfulReplies(openid).size() == 1);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
