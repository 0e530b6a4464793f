package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.order.sweep.ExpiredOrderSweeper;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import dev.wxai.testsupport.WechatSignIn;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Orders and payments: the sandbox checks our request signatures and pays orders with signed, encrypted
 * notifications, also duplicated, forged and stale. Buyers are signed in through WeChat sign-in.
 */
class PaymentsIT extends OrderServiceStack {

    @Autowired
    ExpiredOrderSweeper sweeper;

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
        WechatSignIn.User buyer = user(openid);

        assertRefused(buyer.postJson("/api/orders", "{\"sku\":\"NO-SUCH-SKU\",\"channel\":\"JSAPI\"}"), 400, "unknown_product");
        assertRefused(buyer.postJson("/api/orders", "{\"sku\":\"COURSE-AI-101\",\"channel\":\"CASH\"}"), 400, "invalid_channel");
        assertRefused(buyer.postJson("/api/orders", "{\"channel\":\"JSAPI\"}"), 400, "invalid_request");
        assertRefused(buyer.postJson("/api/orders", "{not json"), 400, "invalid_request");

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
        HttpResponse<String> view = user(buyerOf(outTradeNo)).get("/api/orders/" + outTradeNo);
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(view.body()).path("payment").path("needsRefund").asBoolean()).isTrue();
        assertThat(count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_id = '" + outTradeNo + "'")).isZero();
    }

    @Test
    void anOperatorsRefundEndsRefundedAndAnnouncesIt() {
        String openid = WechatRequests.newOpenid();
        String outTradeNo = createOrder(openid, "MEMBER-YEAR", "JSAPI").path("outTradeNo").asString();
        pay(outTradeNo, Map.of());

        asOperator(api.post().uri("/admin/orders/" + outTradeNo + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reason", "customer asked"))).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.orderStatus").isEqualTo("REFUNDING");

        await().atMost(Duration.ofSeconds(15)).until(() -> "REFUNDED".equals(status(outTradeNo)));
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(outTradeNo).stream().anyMatch(e -> e.contains("ORDER_REFUNDED")));
        asOperator(api.post().uri("/admin/orders/" + outTradeNo + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.error").isEqualTo("not_refundable");
    }

    @Test
    void historyIsNewestFirstAndOnlyOperatorsSeeRevenue() {
        String openid = WechatRequests.newOpenid();
        String first = createOrder(openid, "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        String second = createOrder(openid, "MEMBER-MONTH", "NATIVE").path("outTradeNo").asString();
        pay(second, Map.of());

        JsonNode history = JSON.readTree(user(openid).get("/api/orders?page=0&size=10").body());
        assertThat(history.path("total").asLong()).isEqualTo(2);
        assertThat(history.path("orders").get(0).path("outTradeNo").asString()).isEqualTo(second);
        assertThat(history.path("orders").get(1).path("outTradeNo").asString()).isEqualTo(first);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> asOperator(api.get().uri("/admin/stats")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ordersByStatus.PAID").exists()
                .jsonPath("$.revenueFen").value(revenue -> assertThat(((Number) revenue).longValue()).isGreaterThanOrEqualTo(2900))
                .jsonPath("$.members").value(members -> assertThat(((Number) members).longValue()).isGreaterThanOrEqualTo(1))
                .jsonPath("$.messages").exists());
        JsonNode publicStats = JSON.readTree(api.get().uri("/api/stats").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(publicStats.propertyNames()).containsExactlyInAnyOrder("messages", "replies", "members");
    }

    @Test
    void membershipComesFromMysqlAndStacksEvenWhenRedisHasForgottenIt() {
        String openid = WechatRequests.newOpenid();
        String first = createOrder(openid, "MEMBER-MONTH", "JSAPI").path("outTradeNo").asString();
        pay(first, Map.of());
        String second = createOrder(openid, "MEMBER-MONTH", "JSAPI").path("outTradeNo").asString();
        pay(second, Map.of());
        // What a Redis eviction or restart does to the workers' cache of it.
        TestRedis.template().delete(Keys.entitlement(openid)).block();

        JsonNode me = JSON.readTree(user(openid).get("/api/me").body());

        assertThat(me.path("openid").asString()).isEqualTo(openid);
        assertThat(me.path("active").asBoolean()).isTrue();
        Instant until = Instant.parse(me.path("membershipUntil").asString());
        // Two months bought back to back: the second extends the first.
        assertThat(until).isBetween(Instant.now().plus(Duration.ofDays(59)), Instant.now().plus(Duration.ofDays(61)));
        JsonNode stranger = JSON.readTree(user(WechatRequests.newOpenid()).get("/api/me").body());
        assertThat(stranger.path("active").asBoolean()).isFalse();
        assertThat(stranger.path("membershipUntil").isNull()).isTrue();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").asString()).isEqualTo(error);
    }

    private void expire(String outTradeNo) {
        db.sql("UPDATE orders SET expires_at = '2020-01-01 00:00:00' WHERE out_trade_no = :no").bind("no", outTradeNo).then().block();
    }

}
