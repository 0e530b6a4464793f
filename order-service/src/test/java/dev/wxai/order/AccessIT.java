package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import dev.wxai.testsupport.WechatSignIn;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what, tried as an attacker would: without a session, as another user, with a forged sign-in, without
 * or with a wrong operator token. The sandbox plays WeChat's authorize page and code exchange.
 */
class AccessIT extends OrderServiceStack {

    @LocalManagementPort
    int managementPort;

    @Test
    void theActuatorAnswersOnlyOnTheManagementPort() {
        for (String endpoint : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/prometheus"}) {
            int status = api.get().uri(endpoint).exchange().returnResult(Void.class).getStatus().value();
            assertThat(status).as("public port, " + endpoint).isIn(401, 403, 404);
        }
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(metrics -> assertThat(metrics).contains("application=\"order-service\""));
        // Nothing but the actuator there: the API stays on its own port.
        assertThat(management.get().uri("/api/products").exchange().returnResult(Void.class).getStatus().value())
                .isIn(401, 403, 404);
    }

    @Test
    void anonymousCallsToOrdersHistoryMeAndRefundsAre401AndChangeNothing() {
        long ordersBefore = count("SELECT COUNT(*) AS n FROM orders");

        api.post().uri("/api/orders").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("openid", WechatRequests.newOpenid(), "sku", "MEMBER-MONTH", "channel", "JSAPI"))
                .exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("unauthenticated");
        api.get().uri("/api/orders?openid=" + WechatRequests.newOpenid()).exchange().expectStatus().isUnauthorized();
        api.get().uri("/api/orders/WX20260101000000ABCDEFGHJK").exchange().expectStatus().isUnauthorized();
        api.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
        api.get().uri("/api/jssdk?url=" + BASE_URL + "/shop/").exchange().expectStatus().isUnauthorized();
        api.post().uri("/api/orders/WX20260101000000ABCDEFGHJK/refund").exchange().expectStatus().isUnauthorized();
        api.post().uri("/admin/orders/WX20260101000000ABCDEFGHJK/refund").exchange().expectStatus().isUnauthorized();
        api.get().uri("/api/entitlements/" + WechatRequests.newOpenid()).exchange().expectStatus().isUnauthorized();

        assertThat(count("SELECT COUNT(*) AS n FROM orders")).isEqualTo(ordersBefore);
    }

    @Test
    void theMemberPageSendsABrowserWithoutASessionToSignInAndBack() {
        api.get().uri("/shop/").exchange().expectStatus().isFound()
                .expectHeader().location("/auth/wechat?next=%2Fshop%2F");
    }

    @Test
    void aUserSeesAndActsOnTheirOwnOrdersOnlyWhateverOpenidTheySend() {
        String alice = WechatRequests.newOpenid();
        String bob = WechatRequests.newOpenid();
        String bobsOrder = createOrder(bob, "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();

        // Alice names Bob everywhere an openid could be slipped in.
        HttpResponse<String> created = user(alice).postJson("/api/orders",
                JSON.writeValueAsString(Map.of("openid", bob, "sku", "MEMBER-MONTH", "channel", "NATIVE")));
        assertThat(created.statusCode()).isEqualTo(201);
        String alicesOrder = JSON.readTree(created.body()).path("outTradeNo").asString();
        assertThat(buyerOf(alicesOrder)).isEqualTo(alice);

        HttpResponse<String> peek = user(alice).get("/api/orders/" + bobsOrder);
        assertThat(peek.statusCode()).isEqualTo(404);
        assertThat(peek.body()).doesNotContain(bob);
        JsonNode history = JSON.readTree(user(alice).get("/api/orders?openid=" + bob).body());
        assertThat(history.path("total").asLong()).isEqualTo(1);
        assertThat(history.path("orders").get(0).path("outTradeNo").asString()).isEqualTo(alicesOrder);
        assertThat(JSON.readTree(user(alice).get("/api/me?openid=" + bob).body()).path("openid").asString()).isEqualTo(alice);
        // Users have no refund at all: that is the operators' (POST /admin/orders/{no}/refund).
        assertThat(user(alice).postJson("/api/orders/" + bobsOrder + "/refund", "{}").statusCode()).isEqualTo(404);
        assertThat(user(alice).get("/admin/stats").statusCode()).isEqualTo(403);
        assertThat(status(bobsOrder)).isEqualTo("CREATED");
    }

    @Test
    void aStateChangeWithoutTheCsrfHeaderIsRefused() {
        WechatSignIn.User signedIn = user(WechatRequests.newOpenid());
        WechatSignIn.User withoutToken = new WechatSignIn.User(signedIn.baseUrl(), signedIn.openid(), signedIn.session(), null);

        HttpResponse<String> refused = withoutToken.postJson("/api/orders", "{\"sku\":\"MEMBER-MONTH\",\"channel\":\"JSAPI\"}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").asString()).isEqualTo("csrf");
        assertThat(count("SELECT COUNT(*) AS n FROM orders WHERE openid = '" + signedIn.openid() + "'")).isZero();
    }

    @Test
    void signInSetsAnHttpOnlyLaxSessionCookieAndSendsTheBrowserToWechatWithABoundState() {
        WechatSignIn.Started started = WechatSignIn.start(BASE_URL, "/shop/?from=menu");

        assertThat(started.status()).isEqualTo(302);
        URI authorize = URI.create(started.authorizeUrl());
        assertThat(started.authorizeUrl()).startsWith(SANDBOX.baseUrl() + "/connect/oauth2/authorize?appid=" + APP_ID + "&redirect_uri=")
                .contains("response_type=code&scope=snsapi_base&state=").endsWith("#wechat_redirect");
        assertThat(authorize.getQuery()).contains("redirect_uri=" + BASE_URL + "/auth/wechat/callback");
        String state = authorize.getQuery().replaceAll(".*state=([^&]*).*", "$1");
        assertThat(started.stateCookie()).startsWith("WXAI_SIGNIN=" + state + ".");

        HttpResponse<String> back = WechatSignIn.callback(WechatSignIn.location(WechatSignIn.authorize(started.authorizeUrl(),
                WechatRequests.newOpenid())), started.stateCookie());

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(WechatSignIn.location(back)).isEqualTo("/shop/?from=menu");
        assertThat(WechatSignIn.setCookie(back, "WXAI_SESSION")).get().asString()
                .containsIgnoringCase("HttpOnly").contains("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        String session = WechatSignIn.cookie(back, "WXAI_SESSION").orElseThrow();
        assertThat(TestRedis.template().hasKey(Keys.WEB_SESSIONS + ":sessions:" + session).block()).isTrue();
    }

    @Test
    void aForgedStateIsRefusedAndSignsNobodyIn() {
        WechatSignIn.Started mine = WechatSignIn.start(BASE_URL, "/shop/");
        String callback = WechatSignIn.location(WechatSignIn.authorize(mine.authorizeUrl(), WechatRequests.newOpenid()));

        // The victim's browser holds its own state cookie (or none); the attacker's code and state arrive.
        HttpResponse<String> otherBrowser = WechatSignIn.callback(callback, WechatSignIn.start(BASE_URL, "/shop/").stateCookie());
        HttpResponse<String> noCookie = WechatSignIn.callback(callback, null);

        for (HttpResponse<String> refused : new HttpResponse[] {otherBrowser, noCookie}) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(refused.body()).path("error").asString()).isEqualTo("invalid_state");
            assertThat(WechatSignIn.cookie(refused, "WXAI_SESSION")).isEmpty();
        }
    }

    @Test
    void aCodeIsExchangedOnceAndAReusedOneIsRefused() {
        String openid = WechatRequests.newOpenid();
        WechatSignIn.Started first = WechatSignIn.start(BASE_URL, "/shop/");
        String callback = WechatSignIn.location(WechatSignIn.authorize(first.authorizeUrl(), openid));
        assertThat(WechatSignIn.callback(callback, first.stateCookie()).statusCode()).isEqualTo(302);

        // The same code again, under a fresh state of this browser's own.
        WechatSignIn.Started second = WechatSignIn.start(BASE_URL, "/shop/");
        String secondState = URI.create(second.authorizeUrl()).getQuery().replaceAll(".*state=([^&#]*).*", "$1");
        String replay = callback.replaceAll("state=[^&]*", "state=" + secondState);
        HttpResponse<String> refused = WechatSignIn.callback(replay, second.stateCookie());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).path("error").asString()).isEqualTo("invalid_code");
        assertThat(WechatSignIn.cookie(refused, "WXAI_SESSION")).isEmpty();
    }

    @Test
    void nextCanOnlyBeAPageOfOurs() {
        for (String next : new String[] {"https://elsewhere.example/", "//elsewhere.example/shop/", "/\\elsewhere.example",
                "/shop/\r\nLocation: https://elsewhere.example", "/admin/stats", "https:/elsewhere.example"}) {
            WechatSignIn.Started started = WechatSignIn.start(BASE_URL, next);
            HttpResponse<String> back = WechatSignIn.callback(
                    WechatSignIn.location(WechatSignIn.authorize(started.authorizeUrl(), WechatRequests.newOpenid())),
                    started.stateCookie());

            assertThat(WechatSignIn.location(back)).as(next).isEqualTo("/shop/");
        }
    }

    @Test
    void adminCallsWithoutOrWithAWrongTokenAre401() {
        api.get().uri("/admin/stats").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"wxai-admin\"");
        api.get().uri("/admin/stats").header("Authorization", "Bearer not-the-token").exchange().expectStatus().isUnauthorized();
        api.get().uri("/admin/stats").header("Authorization", "Basic b3BzOnNlY3JldA==").exchange().expectStatus().isUnauthorized();
        // The hash itself is not the token.
        api.get().uri("/admin/stats").header("Authorization", "Bearer " + sha256(OPERATOR_TOKEN)).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void anOperatorsRefundGoesToWechatPayAndIsAudited() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "MEMBER-MONTH", "JSAPI").path("outTradeNo").asString();
        sandbox.post().uri("/sandbox/pay/" + outTradeNo).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
                .exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(10)).until(() -> "PAID".equals(status(outTradeNo)));

        asOperator(api.post().uri("/admin/orders/" + outTradeNo + "/refund").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reason", "duplicate purchase"))).exchange().expectStatus().isAccepted();
        asOperator(api.post().uri("/admin/orders/NO-SUCH-ORDER-1/refund")).exchange().expectStatus().isNotFound();

        await().atMost(Duration.ofSeconds(15)).until(() -> "REFUNDED".equals(status(outTradeNo)));
        assertThat(db.sql("SELECT operator, action, outcome, detail FROM admin_audit WHERE target = :no")
                .bind("no", outTradeNo)
                .map(row -> row.get("operator", String.class) + "|" + row.get("action", String.class) + "|"
                        + row.get("outcome", String.class) + "|" + row.get("detail", String.class))
                .all().collectList().block())
                .containsExactly("ops-it|order.refund|accepted|duplicate purchase");
        assertThat(count("SELECT COUNT(*) AS n FROM admin_audit WHERE target = 'NO-SUCH-ORDER-1' AND outcome = 'refused:unknown_order'"))
                .isEqualTo(1);
    }

    @Test
    void jssdkSignsOurOwnPagesWithOneSharedTicket() throws Exception {
        TestRedis.template().delete(Keys.jsapiTicket(APP_ID)).block();
        WechatSignIn.User signedIn = user(WechatRequests.newOpenid());
        long ticketsBefore = JSON.readTree(sandbox.get().uri("/sandbox/stats").exchange().expectBody().returnResult()
                .getResponseBody()).path("jsapiTickets").asLong();

        JsonNode first = JSON.readTree(signedIn.get("/api/jssdk?url=" + BASE_URL + "/shop/%3Ffrom%3Dmenu%23top").body());
        JsonNode second = JSON.readTree(signedIn.get("/api/jssdk?url=" + BASE_URL + "/shop/").body());

        String ticket = TestRedis.template().opsForValue().get(Keys.jsapiTicket(APP_ID)).block();
        assertThat(ticket).isNotBlank();
        assertThat(first.path("appId").asString()).isEqualTo(APP_ID);
        String plain = "jsapi_ticket=" + ticket + "&noncestr=" + first.path("nonceStr").asString() + "&timestamp="
                + first.path("timestamp").asLong() + "&url=" + BASE_URL + "/shop/?from=menu";
        assertThat(first.path("signature").asString())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(plain.getBytes(StandardCharsets.UTF_8))));
        assertThat(second.path("signature").asString()).isNotEqualTo(first.path("signature").asString());
        assertThat(JSON.readTree(sandbox.get().uri("/sandbox/stats").exchange().expectBody().returnResult()
                .getResponseBody()).path("jsapiTickets").asLong()).isEqualTo(ticketsBefore + 1);
        HttpResponse<String> foreign = signedIn.get("/api/jssdk?url=https://elsewhere.example/");
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(foreign.body()).path("error").asString()).isEqualTo("invalid_url");
    }

}
