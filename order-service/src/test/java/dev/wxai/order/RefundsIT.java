package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.order.payment.RefundSweeper;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Refunds end, whatever happens on the way: partial refunds (ours and the merchant console's) leave the order PAID
 * and the membership running, a lost notification is made up for by the sweep, and a payment for a closed order can
 * be given back.
 */
class RefundsIT extends OrderServiceStack {

    @Autowired
    RefundSweeper refundSweeper;

    @Test
    void aPartialRefundShortensTheMembershipProRataAndTheRestEndsIt() {
        String openid = WechatRequests.newOpenid();
        String outTradeNo = createOrder(openid, "MEMBER-YEAR", "JSAPI").path("outTradeNo").asString(); // 19900 fen, 365 days
        pay(outTradeNo, Map.of());

        refund(outTradeNo, Map.of("reason", "half back", "amountFen", 9950)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.orderStatus").isEqualTo("PAID").jsonPath("$.amountFen").isEqualTo(9950);

        await().atMost(Duration.ofSeconds(15)).until(() -> refundedFen(outTradeNo) == 9950);
        assertThat(status(outTradeNo)).isEqualTo("PAID");
        JsonNode me = me(openid);
        assertThat(me.path("active").asBoolean()).isTrue();
        // Half the money back: half the year left (pro rata, the default).
        assertThat(Instant.parse(me.path("membershipUntil").asString()))
                .isBetween(Instant.now().plus(Duration.ofDays(181)), Instant.now().plus(Duration.ofDays(184)));
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(outTradeNo).stream().anyMatch(e -> e.contains("ORDER_PARTIALLY_REFUNDED")));

        refund(outTradeNo, Map.of("amountFen", 9951)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_amount");
        refund(outTradeNo, Map.of()).expectStatus().isAccepted().expectBody().jsonPath("$.orderStatus").isEqualTo("REFUNDING");

        await().atMost(Duration.ofSeconds(15)).until(() -> "REFUNDED".equals(status(outTradeNo)));
        assertThat(refundedFen(outTradeNo)).isEqualTo(19900);
        assertThat(me(openid).path("active").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(outTradeNo).stream().anyMatch(e -> e.contains("\"type\":\"ORDER_REFUNDED\"")));
    }

    @Test
    void aPartialRefundMadeInTheMerchantConsoleIsRecordedAndNeverEndsTheMembership() {
        String openid = WechatRequests.newOpenid();
        String outTradeNo = createOrder(openid, "MEMBER-MONTH", "JSAPI").path("outTradeNo").asString(); // 2900 fen, 30 days
        pay(outTradeNo, Map.of());

        String outRefundNo = SANDBOX_CLIENT.consoleRefund(outTradeNo, 100);

        await().atMost(Duration.ofSeconds(15)).until(() -> refundedFen(outTradeNo) == 100);
        assertThat(status(outTradeNo)).isEqualTo("PAID");
        assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE out_refund_no = '" + outRefundNo + "' AND status = 'SUCCESS'")).isEqualTo(1);
        JsonNode me = me(openid);
        assertThat(me.path("active").asBoolean()).isTrue();
        assertThat(Instant.parse(me.path("membershipUntil").asString()))
                .isBetween(Instant.now().plus(Duration.ofDays(28)), Instant.now().plus(Duration.ofDays(30)));
    }

    @Test
    void aRefundWhoseNotificationWasLostEndsRefundedThroughTheSweep() {
        String openid = WechatRequests.newOpenid();
        String outTradeNo = createOrder(openid, "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        pay(outTradeNo, Map.of());
        SANDBOX_CLIENT.loseNextRefundNotification();

        refund(outTradeNo, Map.of("reason", "lost notification")).expectStatus().isAccepted();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> "REFUNDING".equals(status(outTradeNo)));
        // Long enough ago that the sweep asks WeChat Pay about it.
        db.sql("UPDATE refunds r JOIN orders o ON o.id = r.order_id SET r.requested_at = '2020-01-01 00:00:00' "
                + "WHERE o.out_trade_no = :no").bind("no", outTradeNo).then().block();

        assertThat(refundSweeper.sweepOnce().block(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);

        assertThat(status(outTradeNo)).isEqualTo("REFUNDED");
        assertThat(count("SELECT COUNT(*) AS n FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.out_trade_no = '"
                + outTradeNo + "' AND e.revoked_at IS NOT NULL")).isEqualTo(1); // the course is taken back
        // The notification arriving late after all changes nothing more.
        assertThat(refundSweeper.sweepOnce().block(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aPaymentForAClosedOrderCanBeGivenBackByAnOperator() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        db.sql("UPDATE orders SET status = 'CLOSED' WHERE out_trade_no = :no").bind("no", outTradeNo).then().block();
        pay(outTradeNo, Map.of());
        String transactionId = transactionOf(outTradeNo);

        asOperator(api.post().uri("/admin/payments/" + transactionId + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reason", "paid after closing"))).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.amountFen").isEqualTo(9900);

        await().atMost(Duration.ofSeconds(15)).until(() -> count("SELECT COUNT(*) AS n FROM payments WHERE needs_refund AND transaction_id = '"
                + transactionId + "'") == 0);
        assertThat(status(outTradeNo)).isEqualTo("CLOSED");
        asOperator(api.post().uri("/admin/payments/" + transactionId + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())).exchange().expectStatus().isEqualTo(409);
    }

    private WebTestClient.ResponseSpec refund(String outTradeNo, Map<String, Object> body) {
        return asOperator(api.post().uri("/admin/orders/" + outTradeNo + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)).exchange();
    }

    private long refundedFen(String outTradeNo) {
        return db.sql("SELECT refunded_fen FROM orders WHERE out_trade_no = :no").bind("no", outTradeNo)
                .map(row -> row.get("refunded_fen", Long.class)).one().block();
    }

    private JsonNode me(String openid) {
        return JSON.readTree(user(openid).get("/api/me").body());
    }
}
