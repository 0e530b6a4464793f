package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.testsupport.RedisServer;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.WechatRequests;
import dev.wxai.testsupport.WechatSignIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Paid means paid: a membership bought through the gateway survives Redis losing everything (FLUSHALL on the stack's
 * own redis-server). The member page reads MySQL; the workers' quota refills its cache from the order-service.
 */
class MembershipRecordIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static RedisServer redis;
    private static Stack stack;
    private static SandboxClient sandbox;

    @BeforeAll
    static void startEveryService() {
        redis = Stack.redisWithUsers();
        // One free question a day: the second message tells whether the worker sees the membership.
        stack = new Stack("wxai_e2e_member", Map.of(), redis, Map.of("wxai.worker.free-daily-quota", "1"));
        sandbox = new SandboxClient(stack.sandbox());
    }

    @AfterAll
    static void stopEveryService() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void aPaidMembershipOutlivesRedisFlushAll() throws Exception {
        String openid = WechatRequests.newOpenid();
        WechatSignIn.User buyer = WechatSignIn.signIn(stack.gateway(), openid);
        HttpResponse<String> created = buyer.postJson("/api/orders", "{\"sku\":\"MEMBER-MONTH\",\"channel\":\"JSAPI\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String outTradeNo = JSON.readTree(created.body()).path("outTradeNo").asString();
        HttpResponse<String> paid = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sandbox() + "/sandbox/pay/" + outTradeNo))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> me(buyer).path("active").asBoolean());

        redis.flushAll(); // sessions, caches, quotas, tokens: all gone

        WechatSignIn.User again = WechatSignIn.signIn(stack.gateway(), openid); // the old session went with Redis
        JsonNode me = me(again);
        assertThat(me.path("active").asBoolean()).isTrue();
        assertThat(Instant.parse(me.path("membershipUntil").asString())).isAfter(Instant.now().plus(Duration.ofDays(29)));
        for (int i = 1; i <= 3; i++) {
            String question = "会员的第 " + i + " 个问题 " + UUID.randomUUID();
            HttpResponse<String> delivered = HTTP.send(HttpRequest.newBuilder(
                            URI.create(stack.gateway() + "/wechat?" + WechatRequests.signedQuery(Stack.TOKEN, openid)))
                    .header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.textXml(openid, WechatRequests.newMsgId(), question)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(delivered.statusCode()).isEqualTo(200);
            int answered = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.successfulReplies(openid).size() >= answered);
            // Over the free quota of one, yet the model answers: the worker knows the membership from MySQL.
            assertThat(sandbox.successfulReplies(openid).get(i - 1).path("content").asString()).isEqualTo(sandbox.modelAnswerTo(question));
        }
    }

    private static JsonNode me(WechatSignIn.User user) {
        return JSON.readTree(user.get("/api/me").body());
    }
}
