package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.order.sweep.ExpiredOrderSweeper;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.PayKeys;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestDatabase;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order-service on real MariaDB and Kafka, with the sandbox (its own JVM) playing WeChat Pay: it checks our
 * request signatures and pays orders with signed, encrypted notifications, also duplicated, forged and stale.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class PaymentsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String API_V3_KEY = "itApiV3Key0123456789abcdefghijkl";
    private static final String MCH_ID = "1900000109";
    private static final String APP_ID = "wxpaymentsit";
    private static final int[] PORTS = ServiceProcess.freePorts(2);
    private static final PayKeys KEYS = new PayKeys(Path.of("target", "pay-keys"));
    private static final ServiceProcess SANDBOX = ServiceProcess.start("sandbox", PORTS[1], "192m", Map.of(
            "wxai.sandbox.app-id", APP_ID,
            "wxai.sandbox.pay.mch-id", MCH_ID,
            "wxai.sandbox.pay.api-v3-key", API_V3_KEY,
            "wxai.sandbox.pay.merchant-public-key", KEYS.merchantPublicPem.toString(),
            "wxai.sandbox.pay.platform-private-key", KEYS.platformPrivatePem.toString(),
            "wxai.sandbox.pay.public-key-id", "PUB_KEY_ID_IT"));

    @Autowired
    DatabaseClient db;

    @Autowired
    ExpiredOrderSweeper sweeper;

    WebTestClient api;
    WebTestClient sandbox;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String database = TestDatabase.recreate("wxai_payments_it");
        registry.add("server.port", () -> PORTS[0]);
        registry.add("spring.r2dbc.url", () -> TestDatabase.r2dbcUrl(database));
        registry.add("spring.r2dbc.username", TestDatabase::user);
        registry.add("spring.r2dbc.password", TestDatabase::password);
        registry.add("spring.flyway.url", () -> TestDatabase.jdbcUrl(database));
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.embedded().bootstrapServers());
        registry.add("wxai.pay.mch-id", () -> MCH_ID);
        registry.add("wxai.pay.app-id", () -> APP_ID);
        registry.add("wxai.pay.api-v3-key", () -> API_V3_KEY);
        registry.add("wxai.pay.merchant-private-key", KEYS.merchantPrivatePem::toString);
        registry.add("wxai.pay.public-key", KEYS.platformPublicPem::toString);
        registry.add("wxai.pay.public-key-id", () -> "PUB_KEY_ID_IT");
        registry.add("wxai.pay.base-url", () -> "http://127.0.0.1:" + PORTS[1]);
        registry.add("wxai.pay.notify-url", () -> "http://127.0.0.1:" + PORTS[0] + "/pay/notify");
        // The tests run sweeps themselves.
        registry.add("wxai.order.sweep-interval", () -> "1h");
        registry.add("wxai.order.outbox-interval", () -> "200ms");
        SANDBOX.awaitHealthy(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @BeforeEach
    void clients() {
        api = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + PORTS[0]).responseTimeout(Duration.ofSeconds(30)).build();
        sandbox = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + PORTS[1]).responseTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void aJsapiOrderIsPrepaidAndItsPayParametersAreSignedByTheMerchant() throws Exception {
        JsonNode order = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "JSAPI");

        assertThat(order.path("status").asString()).isEqualTo("CREATED");
        assertThat(order.path("amountFen").asLong()).isEqualTo(9900);
        JsonNode jsapi = order.path("jsapi");
        assertThat(jsapi.path("package").asString()).startsWith("prepay_id=wx");
        // Checked with the JDK and the merchant's public key alone: what the WeChat client does before paying.
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(KEYS.merchant.getPublic());
        verifier.update((APP_ID + "\n" + jsapi.path("timeStamp").asString() + "\n" + jsapi.path("nonceStr").asString() + "\n"
                + jsapi.path("package").asString() + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(jsapi.path("paySign").asString()))).isTrue();
    }

    @Test
    void badOrdersAreRefusedClearlyAndWriteNoRow() {
        String openid = WechatRequests.newOpenid();

        post("/api/orders", Map.of("openid", openid, "sku", "NO-SUCH-SKU", "channel", "JSAPI"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("unknown_product");
        post("/api/orders", Map.of("openid", "not an openid!", "sku", "COURSE-AI-101", "channel", "JSAPI"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_openid");
        post("/api/orders", Map.of("openid", openid, "sku", "COURSE-AI-101", "channel", "CASH"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_channel");

        assertThat(count("SELECT COUNT(*) AS n FROM orders WHERE openid = '" + openid + "'")).isZero();
    }

    @Test
    void fiftyConcurrentCopiesOfANotificationMakeOnePaymentOneOutboxRowAndOneEvent() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "MEMBER-MONTH", "NATIVE").path("outTradeNo").asString();

        JsonNode result = pay(outTradeNo, Map.of("copies", 50));

        assertThat(result.path("statuses").valueStream().map(JsonNode::asInt)).hasSize(50).containsOnly(204);
        assertThat(status(outTradeNo)).isEqualTo("PAID");
        assertThat(count("SELECT COUNT(*) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.out_trade_no = '" + outTradeNo + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_id = '" + outTradeNo + "'")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(outTradeNo).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> eventsFor(outTradeNo).size() == 1);
        assertThat(eventsFor(outTradeNo).get(0)).contains("\"type\":\"ORDER_PAID\"", "\"entitlement\":\"MEMBERSHIP\"", "\"days\":30");
    }

    @Test
    void forgedStaleAndWrongAmountNotificationsAreRefusedAndChangeNothing() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "COURSE-PROMPT", "NATIVE").path("outTradeNo").asString();

        assertThat(pay(outTradeNo, Map.of("forged", true)).path("statuses").get(0).asInt()).isEqualTo(401);
        assertThat(pay(outTradeNo, Map.of("stale", true, "sendNotification", true)).path("statuses").get(0).asInt())
                .isEqualTo(401);
        assertThat(pay(outTradeNo, Map.of("amountFen", 1)).path("statuses").get(0).asInt()).isEqualTo(400);

        assertThat(status(outTradeNo)).isEqualTo("CREATED");
        assertThat(count("SELECT COUNT(*) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.out_trade_no = '" + outTradeNo + "'"))
                .isZero();
        assertThat(count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_id = '" + outTradeNo + "'")).isZero();
    }

    @Test
    void theSweepClosesAnExpiredUnpaidOrderAndRescuesAPaidOneWhoseNotificationWasLost() {
        String unpaid = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        String paid = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        pay(paid, Map.of("sendNotification", false));
        expire(unpaid);
        expire(paid);

        ExpiredOrderSweeper.Result result = sweeper.sweepOnce().block(Duration.ofSeconds(30));

        assertThat(result.closed()).isGreaterThanOrEqualTo(1);
        assertThat(result.rescued()).isGreaterThanOrEqualTo(1);
        assertThat(status(unpaid)).isEqualTo("CLOSED");
        assertThat(status(paid)).isEqualTo("PAID");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(paid).size() == 1);
    }

    @Test
    void aQueryAnswerWithoutWechatPaysSignatureRescuesNothing() {
        String paid = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        pay(paid, Map.of("sendNotification", false));
        expire(paid);
        // Every WeChat Pay answer during this sweep is signed by someone else: "SUCCESS" from a man in the middle.
        sandbox.post().uri("/sandbox/faults").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("target", "pay-response", "code", 0, "times", 100)).exchange().expectStatus().isOk();

        ExpiredOrderSweeper.Result forged = sweeper.sweepOnce().block(Duration.ofSeconds(30));
        sandbox.delete().uri("/sandbox/received").exchange().expectStatus().is2xxSuccessful();

        assertThat(forged.rescued()).isZero();
        assertThat(status(paid)).isEqualTo("CREATED");
        assertThat(count("SELECT COUNT(*) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.out_trade_no = '" + paid + "'"))
                .isZero();
        // Once answers are WeChat Pay's own again, the same order is rescued.
        assertThat(sweeper.sweepOnce().block(Duration.ofSeconds(30)).rescued()).isGreaterThanOrEqualTo(1);
        assertThat(status(paid)).isEqualTo("PAID");
    }

    @Test
    void twoSweepsAtOnceCloseAnOrderOnce() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        expire(outTradeNo);

        List<ExpiredOrderSweeper.Result> results = Mono.zip(sweeper.sweepOnce(), sweeper.sweepOnce())
                .map(both -> List.of(both.getT1(), both.getT2())).block(Duration.ofSeconds(30));

        assertThat(results.stream().mapToInt(ExpiredOrderSweeper.Result::closed).sum()).isEqualTo(1);
        assertThat(status(outTradeNo)).isEqualTo("CLOSED");
    }

    @Test
    void aPaymentForAClosedOrderIsKeptAndFlaggedForRefund() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        db.sql("UPDATE orders SET status = 'CLOSED' WHERE out_trade_no = :no").bind("no", outTradeNo).then().block();

        assertThat(pay(outTradeNo, Map.of("copies", 3)).path("statuses").valueStream().map(JsonNode::asInt)).containsOnly(204);

        assertThat(status(outTradeNo)).isEqualTo("CLOSED");
        api.get().uri("/api/orders/" + outTradeNo).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.payment.needsRefund").isEqualTo(true);
        assertThat(count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_id = '" + outTradeNo + "'")).isZero();
    }

    @Test
    void aRefundEndsRefundedAndAnnouncesIt() {
        String openid = WechatRequests.newOpenid();
        String outTradeNo = createOrder(openid, "MEMBER-YEAR", "JSAPI").path("outTradeNo").asString();
        pay(outTradeNo, Map.of());

        post("/api/orders/" + outTradeNo + "/refund", Map.of()).expectStatus().isAccepted()
                .expectBody().jsonPath("$.status").isEqualTo("REFUNDING");

        await().atMost(Duration.ofSeconds(15)).until(() -> "REFUNDED".equals(status(outTradeNo)));
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(outTradeNo).stream().anyMatch(e -> e.contains("ORDER_REFUNDED")));
        post("/api/orders/" + outTradeNo + "/refund", Map.of()).expectStatus().isEqualTo(409);
    }

    @Test
    void historyIsNewestFirstAndStatsCountMoneyKept() {
        String openid = WechatRequests.newOpenid();
        String first = createOrder(openid, "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        String second = createOrder(openid, "MEMBER-MONTH", "NATIVE").path("outTradeNo").asString();
        pay(second, Map.of());

        api.get().uri("/api/orders?openid=" + openid + "&page=0&size=10").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.total").isEqualTo(2)
                .jsonPath("$.orders[0].outTradeNo").isEqualTo(second)
                .jsonPath("$.orders[1].outTradeNo").isEqualTo(first);
        api.get().uri("/api/stats").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ordersByStatus.PAID").exists()
                .jsonPath("$.revenueFen").value(revenue -> assertThat(((Number) revenue).longValue()).isGreaterThanOrEqualTo(2900))
                .jsonPath("$.messages").exists();
    }

    @Test
    void entitlementsAnswerWhatTheWorkersRecordedAndRefuseAMalformedOpenid() {
        String member = WechatRequests.newOpenid();
        Instant until = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        // What the worker's EntitlementListener writes for a paid membership: its end in epoch ms, expiring then.
        TestRedis.template().opsForValue()
                .set(Keys.entitlement(member), String.valueOf(until.toEpochMilli()), Duration.ofDays(30)).block();

        JsonNode active = getJson("/api/entitlements/" + member);
        JsonNode none = getJson("/api/entitlements/" + WechatRequests.newOpenid());

        assertThat(active.path("openid").asString()).isEqualTo(member);
        assertThat(active.path("active").asBoolean()).isTrue();
        assertThat(Instant.parse(active.path("membershipUntil").asString())).isEqualTo(until);
        assertThat(none.path("active").asBoolean()).isFalse();
        assertThat(none.path("membershipUntil").isNull()).isTrue();
        api.get().uri("/api/entitlements/tooShort").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_openid");
    }

    private JsonNode createOrder(String openid, String sku, String channel) {
        byte[] body = post("/api/orders", Map.of("openid", openid, "sku", sku, "channel", channel))
                .expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    private JsonNode getJson(String path) {
        return JSON.readTree(api.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private JsonNode pay(String outTradeNo, Map<String, Object> options) {
        byte[] body = sandbox.post().uri("/sandbox/pay/" + outTradeNo).contentType(MediaType.APPLICATION_JSON).bodyValue(options)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    private WebTestClient.ResponseSpec post(String path, Map<String, Object> body) {
        return api.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private String status(String outTradeNo) {
        return db.sql("SELECT status FROM orders WHERE out_trade_no = :no").bind("no", outTradeNo)
                .map(row -> row.get("status", String.class)).one().block();
    }

    private void expire(String outTradeNo) {
        db.sql("UPDATE orders SET expires_at = '2020-01-01 00:00:00' WHERE out_trade_no = :no").bind("no", outTradeNo).then().block();
    }

    private long count(String sql) {
        return db.sql(sql).map(row -> row.get("n", Long.class)).one().block();
    }

    private List<String> eventsFor(String outTradeNo) {
        return TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(), Topics.ORDER_EVENTS,
                record -> outTradeNo.equals(record.key())).stream().map(record -> record.value()).toList();
    }
}
