package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the upstream receives with a forwarded request, through Spring Cloud Gateway ({@code /api}) and through
 * {@code /wechat}'s lean path alike: the trace to continue and the request id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ForwardingIT {

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
    }

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/wechat"})
    void theCallersTraceContinuesUpstreamUnderTheGatewaysSpan(String route) {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";

        HttpHeaders upstream = forward(route, request -> request.header("traceparent", "00-" + traceId + "-" + callerSpan + "-01"))
                .upstream();

        String[] forwarded = upstream.get("traceparent").split("-");
        assertThat(forwarded[1]).isEqualTo(traceId);
        assertThat(forwarded[2]).as("the parent is the gateway's own span, not the caller's").isNotEqualTo(callerSpan);
        assertThat(forwarded[3]).isEqualTo("01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/wechat"})
    void aRequestWithoutTraceStartsOneThatReachesTheUpstream(String route) {
        String one = forward(route, request -> { }).upstream().get("traceparent");
        String other = forward(route, request -> { }).upstream().get("traceparent");

        assertThat(one).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(other).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(one.split("-")[1]).as("one trace per request").isNotEqualTo(other.split("-")[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/wechat"})
    void theRequestIdTheCallerSeesIsTheOneTheUpstreamGot(String route) {
        Forwarded forwarded = forward(route, request -> { });

        assertThat(forwarded.answeredId()).isNotBlank();
        assertThat(forwarded.upstream().getAll("X-Request-Id")).containsExactly(forwarded.answeredId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/wechat"})
    void aSaneRequestIdOfTheCallerIsKeptAndAnInsaneOneReplaced(String route) {
        Forwarded kept = forward(route, request -> request.header("X-Request-Id", "support-case-4711"));
        Forwarded replaced = forward(route, request -> request.header("X-Request-Id", "x y"));

        assertThat(kept.answeredId()).isEqualTo("support-case-4711");
        assertThat(kept.upstream().get("X-Request-Id")).isEqualTo("support-case-4711");
        assertThat(replaced.answeredId()).isNotEqualTo("x y").matches("[0-9a-f-]{36}");
        assertThat(replaced.upstream().get("X-Request-Id")).isEqualTo(replaced.answeredId());
    }

    private record Forwarded(String answeredId, HttpHeaders upstream) {
    }

    /** One request on the route; what the caller was told and what the upstream got. */
    private Forwarded forward(String route, Consumer<WebTestClient.RequestHeadersSpec<?>> decorate) {
        String path = route.equals("/wechat") ? "/wechat" : route + "/forwarded-" + UUID.randomUUID();
        WebTestClient.RequestHeadersSpec<?> request = route.equals("/wechat")
                ? client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=o" + UUID.randomUUID().toString().replace("-", ""))
                        .contentType(MediaType.TEXT_XML).bodyValue("<xml/>")
                : client.get().uri(path);
        decorate.accept(request);
        // Requests are sequential here: the upstream's last /wechat request is this one.
        String answeredId = request.exchange().expectStatus().isOk()
                .returnResult(Void.class).getResponseHeaders().getFirst("X-Request-Id");
        return new Forwarded(answeredId, UPSTREAM.lastHeaders(path));
    }
}
