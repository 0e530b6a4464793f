package dev.wxai.loadtool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.loadtool.ceiling.CeilingServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The commands as bench/load runs them: options in, one line of JSON out. */
class LoadToolTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void wechatPrintsOneLineOfJsonWithTheRunsNumbers() throws Exception {
        try (CeilingServer ceiling = CeilingServer.start("127.0.0.1", 0, 1)) {
            JsonNode summary = run("wechat", "--url", "http://127.0.0.1:" + ceiling.port() + "/wechat", "--rate", "500",
                    "--duration", "400ms", "--warmup", "100ms", "--connections", "4", "--progress", "false");

            assertThat(summary.path("targetRate").asDouble()).isEqualTo(500);
            assertThat(summary.path("sent").asLong()).isEqualTo(200);
            assertThat(summary.path("completed").asLong()).isEqualTo(200);
            assertThat(summary.path("statuses").path("200").asLong()).isEqualTo(200);
            assertThat(summary.path("errors").path("timeout").asLong()).isZero();
            for (String field : List.of("achievedRate", "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs")) {
                assertThat(summary.has(field)).as(field).isTrue();
            }
        }
    }

    /**
     * A fake order-service and sandbox: a buyer signs in (WeChat sign-in through the sandbox's authorize page),
     * orders are created in that session, the sandbox hands back one signed notification per order, and the run
     * posts each one exactly once, with its headers, to the notify URL.
     */
    @Test
    void notifyCreatesOrdersHasThemSignedAndSendsEachNotificationOnce() throws Exception {
        AtomicInteger orders = new AtomicInteger();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        try (TestServer services = TestServer.answering((request, body) -> Mono.fromSupplier(() -> switch (request.path()) {
            case "auth/wechat" -> TestServer.Answer.redirect(origin(request) + "/connect/oauth2/authorize?appid=wx&state=S1#wechat_redirect",
                    "WXAI_SIGNIN=S1.L3Nob3Av");
            case "connect/oauth2/authorize" -> request.uri().contains("sandbox_openid=oLoadPay")
                    ? TestServer.Answer.redirect(origin(request) + "/auth/wechat/callback?code=C1&state=S1", null)
                    : new TestServer.Answer(HttpResponseStatus.BAD_REQUEST, "no user");
            case "auth/wechat/callback" -> "WXAI_SIGNIN=S1.L3Nob3Av".equals(request.requestHeaders().get("Cookie"))
                    ? TestServer.Answer.redirect("/shop/", "WXAI_SESSION=sess1")
                    : new TestServer.Answer(HttpResponseStatus.FORBIDDEN, "invalid_state");
            case "api/me" -> new TestServer.Answer(HttpResponseStatus.OK, "{}", Map.of("Set-Cookie", "XSRF-TOKEN=x1; Path=/"));
            case "api/orders" -> "x1".equals(request.requestHeaders().get("X-XSRF-TOKEN"))
                    && String.valueOf(request.requestHeaders().get("Cookie")).contains("WXAI_SESSION=sess1")
                    ? new TestServer.Answer(HttpResponseStatus.CREATED,
                            "{\"outTradeNo\":\"WXLOAD" + orders.incrementAndGet() + "\",\"status\":\"CREATED\"}")
                    : new TestServer.Answer(HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"unauthenticated\"}");
            case "sandbox/pay-prepare" -> new TestServer.Answer(HttpResponseStatus.OK, prepared(body));
            case "pay/notify" -> {
                String serial = request.requestHeaders().get("Wechatpay-Serial");
                boolean first = serial != null && body.contains(serial) && delivered.add(body);
                yield new TestServer.Answer(first ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.CONFLICT, "");
            }
            default -> new TestServer.Answer(HttpResponseStatus.NOT_FOUND, "");
        }))) {
            JsonNode summary = run("notify", "--url", services.url("/pay/notify"), "--orders-url", services.url(""),
                    "--sandbox-url", services.url(""), "--rate", "300", "--duration", "500ms", "--warmup", "100ms",
                    "--progress", "false");

            assertThat(orders.get()).isEqualTo(180);
            assertThat(delivered).hasSize(180);
            assertThat(summary.path("statuses").path("204").asLong()).isEqualTo(150);
            assertThat(summary.path("statuses").size()).isEqualTo(1);
        }
    }

    @Test
    void notifyRefusesARunLongerThanANotificationStaysFresh() {
        assertThatThrownBy(() -> run("notify", "--duration", "5m", "--warmup", "10s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WXAI_ORDER_NOTIFYMAXAGE");
    }

    @Test
    void aMisspeltOptionIsRefusedNotIgnored() {
        assertThatThrownBy(() -> run("api", "--rat", "100"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown option --rat");
        assertThatThrownBy(() -> run("api", "--duration", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
    }

    @Test
    void durationsReadLikeTheyAreWritten() {
        assertThat(Arguments.parseDuration("--d", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Arguments.parseDuration("--d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Arguments.parseDuration("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Arguments.parseDuration("--d", "1.5")).isEqualTo(Duration.ofMillis(1500));
    }

    /** WeChat's and our redirects name absolute URLs, as the real ones do. */
    private static String origin(reactor.netty.http.server.HttpServerRequest request) {
        return "http://" + request.requestHeaders().get("Host");
    }

    /** What the sandbox's pay-prepare answers: one notification per order, its number in body and header. */
    private static String prepared(String request) {
        List<Map<String, Object>> notifications = new ArrayList<>();
        for (JsonNode outTradeNo : JSON.readTree(request).path("outTradeNos")) {
            Map<String, Object> notification = new LinkedHashMap<>();
            notification.put("url", JSON.readTree(request).path("notifyUrl").asString());
            notification.put("headers", Map.of("Content-Type", "application/json", "Wechatpay-Serial", outTradeNo.asString()));
            notification.put("body", "{\"order\":\"" + outTradeNo.asString() + "\"}");
            notifications.add(notification);
        }
        return JSON.writeValueAsString(notifications);
    }

    private static JsonNode run(String command, String... options) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LoadTool.run(command, new Arguments(options, 0), new PrintStream(out, true, StandardCharsets.UTF_8), QUIET);
        assertThat(exit).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines()).hasSize(1);
        return JSON.readTree(printed);
    }
}
