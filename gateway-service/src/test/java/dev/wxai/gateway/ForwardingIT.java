package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What the upstream receives with a forwarded request: the trace to continue and the request id. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ForwardingIT {

    static final Upstream UPSTREAM = new Upstream();

    @LocalServerPort
    int port;

    WebTestClient client;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", UPSTREAM::uri);
        registry.add("wxai.gateway.order-uris", UPSTREAM::uri);
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void theCallersTraceContinuesUpstreamUnderTheGatewaysSpan() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        String path = "/api/traced-" + UUID.randomUUID();

        client.get().uri(path).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01").exchange()
                .expectStatus().isOk();

        String[] forwarded = UPSTREAM.lastHeaders(path).get("traceparent").split("-");
        assertThat(forwarded[1]).isEqualTo(traceId);
        assertThat(forwarded[2]).as("the parent is the gateway's own span, not the caller's").isNotEqualTo(callerSpan);
        assertThat(forwarded[3]).isEqualTo("01");
    }

    @Test
    void aRequestWithoutTraceStartsOneThatReachesTheUpstream() {
        String first = "/api/untraced-" + UUID.randomUUID();
        String second = "/api/untraced-" + UUID.randomUUID();

        client.get().uri(first).exchange().expectStatus().isOk();
        client.get().uri(second).exchange().expectStatus().isOk();

        String one = UPSTREAM.lastHeaders(first).get("traceparent");
        String other = UPSTREAM.lastHeaders(second).get("traceparent");
        assertThat(one).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(other).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(one.split("-")[1]).as("one trace per request").isNotEqualTo(other.split("-")[1]);
    }

    @Test
    void theRequestIdTheCallerSeesIsTheOneTheUpstreamGot() {
        String path = "/api/with-id-" + UUID.randomUUID();

        String answered = client.get().uri(path).exchange().expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");

        HttpHeaders upstream = UPSTREAM.lastHeaders(path);
        assertThat(answered).isNotBlank();
        assertThat(upstream.getAll("X-Request-Id")).containsExactly(answered);
    }
}
