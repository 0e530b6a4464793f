package dev.wxai.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The chat page's relay plays WeChat's servers: it delivers what the page signed, byte for byte, and nothing else, by
 * WeChat's rules (again after 5 s without an answer, at once after a failure status, three deliveries in all).
 */
class ChatPageControllerTest {

    private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
    private DisposableServer gateway;

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.disposeNow();
        }
    }

    @Test
    void theSignedQueryAndBodyReachTheWebhookUnalteredAndItsAnswerComesBack() {
        WebTestClient page = pageAgainst(gatewayAnswering(200, "success"));
        String query = "signature=5c5b0f%2Bd&timestamp=1732867200&nonce=12345&openid=oSandboxUser123456&encrypt_type=aes";
        String body = "<xml><ToUserName><![CDATA[gh_sandbox]]></ToUserName><Content><![CDATA[你好 ]]]]><![CDATA[>]]></Content></xml>";

        // A URI, not a template: a template would encode the query's own percent signs again.
        page.post().uri(URI.create("/sandbox/chat/deliver?" + query)).contentType(MediaType.TEXT_PLAIN).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("answered")
                .jsonPath("$.deliveries.length()").isEqualTo(1)
                .jsonPath("$.deliveries[0].status").isEqualTo(200)
                .jsonPath("$.body").isEqualTo("success");

        assertThat(delivered).singleElement().satisfies(delivery -> {
            assertThat(delivery.method()).isEqualTo("POST");
            assertThat(delivery.uri()).isEqualTo("/wechat?" + query);
            assertThat(delivery.contentType()).isEqualTo("text/xml");
            assertThat(delivery.body()).isEqualTo(body);
        });
    }

    @Test
    void aFailureStatusIsDeliveredAgainAtOnceAndAfterTheThirdTheUserSeesWechatsNotice() {
        WebTestClient page = pageAgainst(gatewayAnswering(503, "{\"error\":\"unavailable\"}"));
        long start = System.nanoTime();

        page.post().uri("/sandbox/chat/deliver?signature=s").bodyValue("<xml/>")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("failed")
                .jsonPath("$.deliveries[*].status").isEqualTo(List.of(503, 503, 503))
                .jsonPath("$.deliveries[2].failure").isEqualTo("status 503")
                .jsonPath("$.notice").isEqualTo("该公众号提供的服务出现故障，请稍后再试");

        assertThat(delivered).hasSize(3).extracting(Delivery::uri).containsOnly("/wechat?signature=s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("retried at once, not after a wait").isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void noAnswerWithinFiveSecondsMeansWechatHangsUpAndDeliversAgain() {
        AtomicInteger deliveries = new AtomicInteger();
        gateway = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().then(deliveries.incrementAndGet() == 1
                        ? Mono.delay(Duration.ofSeconds(7)).then(response.status(200).sendString(Mono.just("too late")).then())
                        : response.status(200).sendString(Mono.just("success")).then()))
                .bindNow(Duration.ofSeconds(5));

        pageAgainst("http://127.0.0.1:" + gateway.port()).mutate().responseTimeout(Duration.ofSeconds(20)).build()
                .post().uri("/sandbox/chat/deliver?signature=s").bodyValue("<xml/>")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("answered")
                .jsonPath("$.deliveries[*].status").isEqualTo(List.of(0, 200))
                .jsonPath("$.deliveries[0].failure").isEqualTo("no answer within 5 s")
                .jsonPath("$.deliveries[0].millis").value(millis -> assertThat(((Number) millis).longValue()).isBetween(5000L, 6000L))
                .jsonPath("$.body").isEqualTo("success");
        assertThat(deliveries).hasValue(2);
    }

    @Test
    void aBodyLargerThanWechatSendsIsRefusedAndNotDelivered() {
        WebTestClient page = pageAgainst(gatewayAnswering(200, "success"));

        page.post().uri("/sandbox/chat/deliver?signature=x").bodyValue("x".repeat(GatewayRelay.MAX_BODY_BYTES + 1))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error").isEqualTo("body_too_large");
        assertThat(delivered).isEmpty();
    }

    @Test
    void anUnreachableGatewayIsAFailedDeliveryEachTime() {
        int closedPort = ServiceProcess.freePorts(1)[0];

        pageAgainst("http://127.0.0.1:" + closedPort).post().uri("/sandbox/chat/deliver?signature=x").bodyValue("<xml/>")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("failed")
                .jsonPath("$.deliveries[*].status").isEqualTo(List.of(0, 0, 0))
                .jsonPath("$.deliveries[0].failure").value(failure -> assertThat((String) failure).startsWith("unreachable"));
    }

    @Test
    void theConfigGivesThePageWhatItSignsWithAndNoKeyWithoutSafeMode() {
        ChatProperties chat = new ChatProperties("http://127.0.0.1:8080/", "", "page-token", null, "gh_sandbox");

        pageAgainst(chat).get().uri("/sandbox/chat/config").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.gatewayUrl").isEqualTo("http://127.0.0.1:8080")
                .jsonPath("$.token").isEqualTo("page-token")
                .jsonPath("$.appId").isEqualTo("wxchatpage")
                .jsonPath("$.originalId").isEqualTo("gh_sandbox")
                .jsonPath("$.aesKey").isEmpty();
    }

    @Test
    void theMenusMemberButtonReplacesTheOldShopAndOpensTheMemberPageSignedInAsTheChatsUser() throws IOException {
        String page = pageAgainst("http://127.0.0.1:8080").get().uri("/chat/").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        String script = new ClassPathResource("static/chat/chat.js").getContentAsString(StandardCharsets.UTF_8);

        assertThat(page).contains("<button id=\"open-shop\" type=\"button\" disabled>会员</button>")
                .doesNotContain("id=\"products\"", "id=\"order\"", "id=\"entitlement\"");
        // The order API takes the user from a signed-in session only; entitlements are no longer public.
        assertThat(script).contains("'wxai_sandbox_openid'", "'/auth/wechat?next=/shop/'", "Path=/; SameSite=Lax",
                        "state.config.gatewayUrl + MEMBER_PAGE")
                .doesNotContain("/api/orders", "/api/entitlements", "/sandbox/pay/");
    }

    private String gatewayAnswering(int status, String answer) {
        gateway = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .flatMap(body -> {
                            delivered.add(new Delivery(request.method().name(), request.uri(),
                                    request.requestHeaders().get("Content-Type"), body));
                            return response.status(status).header("Content-Type", answer.startsWith("{")
                                            ? "application/json" : "text/plain;charset=UTF-8")
                                    .sendString(Mono.just(answer)).then();
                        }))
                .bindNow(Duration.ofSeconds(5));
        return "http://127.0.0.1:" + gateway.port();
    }

    private static WebTestClient pageAgainst(String gatewayUrl) {
        return pageAgainst(new ChatProperties(gatewayUrl, "http://127.0.0.1:8080", "page-token", "", "gh_sandbox"));
    }

    private static WebTestClient pageAgainst(ChatProperties chat) {
        SandboxProperties sandbox = new SandboxProperties("wxchatpage", "secret", "sk", Duration.ZERO, Duration.ofSeconds(7200), null, List.of());
        return WebTestClient.bindToController(new ChatPageController(chat, sandbox,
                        new WechatDeliveries(new GatewayRelay(chat, WebClient.builder()))))
                .build();
    }

    private record Delivery(String method, String uri, String contentType, String body) {
    }
}
