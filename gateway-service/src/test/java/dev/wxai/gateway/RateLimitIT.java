package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway's limits against the real Redis. Rates are per minute here (a token costs 60 of a one-a-second
 * bucket), so that refills during a burst cannot blur the counts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitIT {

    @RegisterExtension

    static final Upstream UPSTREAM = new Upstream();

    @LocalServerPort
    int port;

    WebTestClient client;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", UPSTREAM::uri);
        registry.add("wxai.gateway.order-uris", UPSTREAM::uri);
        UPSTREAM.checkedOnItsManagementPort(registry);
        registry.add("wxai.gateway.trusted-proxies", () -> "127.0.0.1");
        // API (with sign-in and the member page): 20 requests per minute per address. Operators: 5 per minute per
        // token.
        registry.add("wxai.gateway.api.replenish-rate", () -> "1");
        registry.add("wxai.gateway.api.burst-capacity", () -> "1200");
        registry.add("wxai.gateway.api.requested-tokens", () -> "60");
        registry.add("wxai.gateway.admin.replenish-rate", () -> "1");
        registry.add("wxai.gateway.admin.burst-capacity", () -> "300");
        registry.add("wxai.gateway.admin.requested-tokens", () -> "60");
    }

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void aBurstOfThirtyFromOneAddressAdmitsExactlyTheBurstThen429WithHeaders() {
        String address = randomAddress();
        String path = "/api/products-" + UUID.randomUUID();
        int admitted = 0;
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            int status = client.get().uri(path).header("X-Forwarded-For", address).exchange()
                    .returnResult(Void.class).getStatus().value();
            if (status == 200) {
                admitted++;
            } else if (status == 429) {
                refused++;
            }
        }

        assertThat(admitted).isEqualTo(20);
        assertThat(refused).isEqualTo(10);
        assertThat(UPSTREAM.hits(path)).isEqualTo(20);
        client.get().uri(path).header("X-Forwarded-For", address).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "1")
                // Tokens, not requests: fewer than one request's worth (60) are left, refilling one a second.
                .expectHeader().value("X-RateLimit-Remaining", remaining -> assertThat(Long.parseLong(remaining)).isLessThan(60))
                .expectHeader().exists("X-Request-Id")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody().jsonPath("$.error").isEqualTo("rate_limited");
        // Another client is not affected.
        client.get().uri(path).header("X-Forwarded-For", randomAddress()).exchange().expectStatus().isOk();
    }

    @Test
    void forwardedForIsIgnoredFromAnUntrustedPeer() {
        // The trusted proxy (127.0.0.1) forwards for a client who claims to be a trusted proxy too: the rightmost
        // untrusted address is the client, so writing addresses to the left does not buy a new bucket.
        String client1 = randomAddress();
        String path = "/api/spoof-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            client.get().uri(path).header("X-Forwarded-For", randomAddress() + ", " + client1).exchange().expectStatus().isOk();
        }
        client.get().uri(path).header("X-Forwarded-For", randomAddress() + ", " + client1).exchange().expectStatus().isEqualTo(429);
    }

    @Test
    void unsignedWechatRequestsCannotSilenceAUserAndLeaveNothingInRedis() {
        // The attack that moved the per-openid limit into the ingress: unsigned POSTs naming a victim's openid used up
        // the victim's bucket in the gateway. The gateway cannot tell them from WeChat (only the ingress knows the
        // token), so it keeps nothing per openid: every request reaches the ingress, which refuses the forged ones.
        String run = UUID.randomUUID().toString().replace("-", "");
        String victim = "oVictim" + run;
        int before = UPSTREAM.hits("/wechat");
        for (int i = 0; i < 10; i++) {
            postWechat(victim).expectStatus().isOk().expectBody(String.class).isEqualTo("upstream:wechat");
        }
        for (int i = 0; i < 20; i++) {
            postWechat("oRandom" + i + run).expectStatus().isOk();
        }

        assertThat(UPSTREAM.hits("/wechat") - before).isEqualTo(30);
        assertThat(TestRedis.template().keys("*" + run + "*").collectList().block()).isEmpty();
    }

    @Test
    void signInAndTheMemberPageShareOneAddressesApiBucket() {
        String address = randomAddress();
        String suffix = UUID.randomUUID().toString();
        int admitted = 0;
        for (String path : new String[] {"/api/products-" + suffix, "/auth/wechat-" + suffix, "/shop/" + suffix}) {
            for (int i = 0; i < 10; i++) {
                if (client.get().uri(path).header("X-Forwarded-For", address).exchange().returnResult(Void.class)
                        .getStatus().value() == 200) {
                    admitted++;
                }
            }
        }

        assertThat(admitted).isEqualTo(20);
        assertThat(UPSTREAM.hits("/shop/" + suffix)).isZero();
    }

    @Test
    void operatorsAreLimitedPerTokenNotPerAddress() {
        String token = "token-" + UUID.randomUUID();
        String path = "/admin/stats-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            // Each from another address: the bucket follows the token.
            client.get().uri(path).header("X-Forwarded-For", randomAddress()).header("Authorization", "Bearer " + token)
                    .exchange().expectStatus().isOk();
        }
        client.get().uri(path).header("X-Forwarded-For", randomAddress()).header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isEqualTo(429);
        client.get().uri(path).header("X-Forwarded-For", randomAddress()).header("Authorization", "Bearer other-" + token)
                .exchange().expectStatus().isOk();
        assertThat(UPSTREAM.hits(path)).isEqualTo(6);
        Set<String> keys = TestRedis.template().keys("request_rate_limiter.{admin.admin:*").collectList().block().stream()
                .collect(Collectors.toSet());
        assertThat(keys).isNotEmpty().noneMatch(key -> key.contains(token));
    }

    @Test
    void paymentNotificationsAreNeverLimited() {
        int before = UPSTREAM.hits("/pay/notify");
        for (int i = 0; i < 40; i++) {
            client.post().uri("/pay/notify").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                    .expectStatus().isOk();
        }
        assertThat(UPSTREAM.hits("/pay/notify") - before).isEqualTo(40);
    }

    @Test
    void oversizedBodiesAreRefusedBeforeReachingTheUpstream() {
        String path = "/api/orders-" + UUID.randomUUID();
        client.post().uri(path).header("X-Forwarded-For", randomAddress()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"x\":\"" + "a".repeat(32 * 1024) + "\"}")
                .exchange().expectStatus().isEqualTo(413);
        assertThat(UPSTREAM.hits(path)).isZero();
    }

    @Test
    void methodsOutsideTheAllowListAreNotRouted() {
        String path = "/api/products-" + UUID.randomUUID();
        client.delete().uri(path).header("X-Forwarded-For", randomAddress()).exchange().expectStatus().isNotFound();
        assertThat(UPSTREAM.hits(path)).isZero();
    }

    private WebTestClient.ResponseSpec postWechat(String openid) {
        return client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=" + openid)
                .header("X-Forwarded-For", "101.226.103.0")
                .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange();
    }

    private static String randomAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
    }
}
