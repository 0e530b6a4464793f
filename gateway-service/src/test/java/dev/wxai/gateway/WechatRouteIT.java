package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

/**
 * {@code /wechat}'s lean path: WeChat's request reaches the ingress as WeChat sent it, and the ingress's answer reaches
 * WeChat as the ingress gave it; what is too big, or meant for no one, goes nowhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WechatRouteIT {

    @RegisterExtension

    static final Upstream INGRESS = new Upstream();

    @LocalServerPort
    int port;

    WebTestClient client;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", INGRESS::uri);
        registry.add("wxai.gateway.order-uris", INGRESS::uri);
        INGRESS.checkedOnItsManagementPort(registry);
        registry.add("wxai.gateway.ingress-timeout", () -> "1s");
    }

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void ingressAnswersNormally() {
        INGRESS.answerNormally();
    }

    @Test
    void aMessageReachesTheIngressAsWechatSentIt() {
        String openid = WechatRequests.newOpenid();
        // Safe mode's query, with an escaped character: forwarded byte for byte, the signatures cover it.
        String query = "signature=abc&timestamp=1700000000&nonce=42&openid=" + openid
                + "&encrypt_type=aes&msg_signature=a%2Bb";
        String xml = WechatRequests.textXml(openid, WechatRequests.newMsgId(), "你好");

        // A URI, not a template: the client would escape the % again.
        client.post().uri(URI.create("http://127.0.0.1:" + port + "/wechat?" + query)).contentType(MediaType.valueOf("text/xml;charset=UTF-8"))
                .header("X-Request-Id", "wechat-delivery-1").header("X-Forwarded-For", "203.0.113.9")
                .bodyValue(xml).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Request-Id", "wechat-delivery-1")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().exists("Strict-Transport-Security");

        Upstream.Received received = INGRESS.last("/wechat");
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.uri()).isEqualTo("/wechat?" + query);
        assertThat(received.body()).isEqualTo(xml);
        assertThat(received.headers().get("Content-Type")).isEqualTo("text/xml;charset=UTF-8");
        assertThat(received.headers().getInt("Content-Length")).isEqualTo(xml.getBytes(StandardCharsets.UTF_8).length);
        assertThat(received.headers().get("X-Request-Id")).isEqualTo("wechat-delivery-1");
        assertThat(received.headers().get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(received.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.9,127.0.0.1");
        assertThat(received.headers().get("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void theUrlCheckIsForwardedAndItsEchostrComesBack() {
        String query = "signature=abc&timestamp=1700000000&nonce=42&echostr=7312946481394";
        INGRESS.answerWith(200, "text/plain;charset=UTF-8", "7312946481394");

        client.get().uri("/wechat?" + query).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Content-Type", "text/plain;charset=UTF-8")
                .expectHeader().exists("X-Request-Id")
                .expectBody(String.class).isEqualTo("7312946481394");

        Upstream.Received received = INGRESS.last("/wechat");
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.uri()).isEqualTo("/wechat?" + query);
        assertThat(received.headers().get("traceparent")).isNotBlank();
        assertThat(received.headers().get("X-Request-Id")).isNotBlank();
    }

    @Test
    void theIngressAnswerComesBackUnchangedWhateverItIs() {
        String reply = "<xml><ToUserName><![CDATA[o1]]></ToUserName><Content><![CDATA[hi]]></Content></xml>";
        INGRESS.answerWith(200, "application/xml;charset=UTF-8", reply);
        post("<xml/>").expectStatus().isOk()
                .expectHeader().valueEquals("Content-Type", "application/xml;charset=UTF-8")
                .expectBody(String.class).isEqualTo(reply);

        INGRESS.answerWith(403, "text/plain", "forbidden");
        post("<xml/>").expectStatus().isForbidden().expectBody(String.class).isEqualTo("forbidden");

        // The ingress's own 503 (e.g. Kafka away) is its answer, not the gateway's "ingress unavailable".
        INGRESS.answerWith(503, "text/plain", "not published");
        post("<xml/>").expectStatus().isEqualTo(503).expectBody(String.class).isEqualTo("not published");
    }

    @Test
    void aBodyOverSixtyFourKilobytesIs413AndNeverReachesTheIngress() {
        int before = INGRESS.hits("/wechat");

        post("<xml>" + "a".repeat(65 * 1024) + "</xml>").expectStatus().isEqualTo(413);
        // Without Content-Length (chunked): cut off while it is read.
        client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=" + WechatRequests.newOpenid())
                .contentType(MediaType.TEXT_XML)
                .body(BodyInserters.fromDataBuffers(chunks(17, 4 * 1024)))
                .exchange().expectStatus().isEqualTo(413);

        assertThat(INGRESS.hits("/wechat")).isEqualTo(before);
    }

    @Test
    void aBodyOfExactlySixtyFourKilobytesIsForwardedChunkedOrNot() {
        int before = INGRESS.hits("/wechat");

        post("a".repeat(64 * 1024)).expectStatus().isOk();
        client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=" + WechatRequests.newOpenid())
                .contentType(MediaType.TEXT_XML)
                .body(BodyInserters.fromDataBuffers(chunks(16, 4 * 1024)))
                .exchange().expectStatus().isOk();

        assertThat(INGRESS.hits("/wechat")).isEqualTo(before + 2);
        assertThat(INGRESS.last("/wechat").body()).hasSize(64 * 1024);
    }

    @Test
    void aSlowIngressIsAnsweredUnavailableWithinTheTimeout() {
        long start = System.nanoTime();

        client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&slow=1&openid=" + WechatRequests.newOpenid())
                .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody(String.class).isEqualTo("ingress unavailable");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Upstream.SLOW);
    }

    @Test
    void otherMethodsAndPathsAreNotForwarded() {
        int before = INGRESS.hits("/wechat");

        client.put().uri("/wechat?signature=s&timestamp=1&nonce=2").contentType(MediaType.TEXT_XML).bodyValue("<xml/>")
                .exchange().expectStatus().isNotFound();
        client.delete().uri("/wechat").exchange().expectStatus().isNotFound();
        client.post().uri("/wechat/other").contentType(MediaType.TEXT_XML).bodyValue("<xml/>")
                .exchange().expectStatus().isNotFound();

        assertThat(INGRESS.hits("/wechat")).isEqualTo(before);
        assertThat(INGRESS.hits("/wechat/other")).isZero();
    }

    private WebTestClient.ResponseSpec post(String body) {
        return client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=" + WechatRequests.newOpenid())
                .contentType(MediaType.TEXT_XML).bodyValue(body).exchange();
    }

    private static Flux<DataBuffer> chunks(int count, int size) {
        byte[] chunk = "b".repeat(size).getBytes(StandardCharsets.US_ASCII);
        return Flux.range(0, count).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk));
    }
}
