package dev.wxai.loadtool.notify;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Before a notification run, untimed: signs one buyer in, creates one order per notification through the
 * order-service's API as that buyer (each prepaid at the sandbox's WeChat Pay), then has the sandbox pay them and hand back their notifications sealed and
 * signed ({@code POST /sandbox/pay-prepare}) instead of sending them: only the sandbox holds WeChat Pay's private
 * key, and its RSA work must not be what the run measures.
 */
public final class NotificationSetup {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PREPARE_BATCH = 200;

    private final String ordersUrl;
    private final String sandboxUrl;
    private final String sku;
    private final int concurrency;
    private final PrintStream log;

    /**
     * @param ordersUrl   the order-service, e.g. {@code http://127.0.0.1:8083} (not the gateway: its /api limit is
     *                    10/s per address)
     * @param sandboxUrl  e.g. {@code http://127.0.0.1:8090}
     * @param concurrency orders created at once
     */
    public NotificationSetup(String ordersUrl, String sandboxUrl, String sku, int concurrency, PrintStream log) {
        this.ordersUrl = strip(ordersUrl);
        this.sandboxUrl = strip(sandboxUrl);
        this.sku = sku;
        this.concurrency = Math.max(1, concurrency);
        this.log = log;
    }

    /** @param notifyUrl the URL the notifications are signed for (the run may post them elsewhere) */
    public List<PreparedNotifications.Notification> prepare(int count, String notifyUrl) {
        ConnectionProvider pool = ConnectionProvider.builder("load-tool-setup").maxConnections(concurrency).build();
        try {
            HttpClient client = HttpClient.create(pool).responseTimeout(Duration.ofSeconds(60));
            long started = System.nanoTime();
            String run = Long.toString(System.currentTimeMillis(), 36);
            // Orders belong to a signed-in user; one buyer places them all.
            BuyerSession buyer = BuyerSession.signIn(ordersUrl, "oLoadPay" + run + "x00000000");
            List<String> orders = Flux.range(0, count)
                    .flatMapSequential(i -> createOrder(client, buyer), concurrency)
                    .collectList()
                    .block();
            log.printf("[load] created %d orders in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
            started = System.nanoTime();
            List<List<String>> batches = new ArrayList<>();
            for (int from = 0; from < orders.size(); from += PREPARE_BATCH) {
                batches.add(orders.subList(from, Math.min(orders.size(), from + PREPARE_BATCH)));
            }
            List<PreparedNotifications.Notification> notifications = Flux.fromIterable(batches)
                    .flatMapSequential(batch -> prepareBatch(client, batch, notifyUrl), 2)
                    .flatMapIterable(list -> list)
                    .collectList()
                    .block();
            log.printf("[load] the sandbox paid them and signed %d notifications in %.1f s%n",
                    Objects.requireNonNull(notifications).size(), (System.nanoTime() - started) / 1e9);
            return notifications;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            // Refused connections and timeouts arrive wrapped; the cause is what the operator needs to read.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the set-up failed (order-service at " + ordersUrl + ", sandbox at "
                    + sandboxUrl + "): " + cause, e);
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private Mono<String> createOrder(HttpClient client, BuyerSession buyer) {
        String body = JSON.writeValueAsString(Map.of("sku", sku, "channel", "NATIVE"));
        HttpClient signedIn = client.headers(headers -> headers.set(HttpHeaderNames.COOKIE, buyer.cookie())
                .set("X-XSRF-TOKEN", buyer.csrf()));
        return post(signedIn, ordersUrl + "/api/orders", body).map(answer -> {
            if (answer.status() != HttpResponseStatus.CREATED.code()) {
                throw new IllegalStateException("POST " + ordersUrl + "/api/orders answered " + answer.status() + ": " + answer.body());
            }
            return JSON.readTree(answer.body()).path("outTradeNo").asString();
        });
    }

    private Mono<List<PreparedNotifications.Notification>> prepareBatch(HttpClient client, List<String> outTradeNos,
                                                                         String notifyUrl) {
        String body = JSON.writeValueAsString(Map.of("outTradeNos", outTradeNos, "notifyUrl", notifyUrl));
        return post(client, sandboxUrl + "/sandbox/pay-prepare", body).map(answer -> {
            if (answer.status() != HttpResponseStatus.OK.code()) {
                throw new IllegalStateException("POST " + sandboxUrl + "/sandbox/pay-prepare answered " + answer.status()
                        + ": " + answer.body());
            }
            JsonNode prepared = JSON.readTree(answer.body());
            if (prepared.size() != outTradeNos.size()) {
                throw new IllegalStateException("the sandbox prepared " + prepared.size() + " notifications for "
                        + outTradeNos.size() + " orders: does it know them (same sandbox as the order-service's WXAI_PAY_BASEURL)?");
            }
            List<PreparedNotifications.Notification> notifications = new ArrayList<>();
            for (JsonNode notification : prepared) {
                Map<String, String> headers = new LinkedHashMap<>();
                notification.path("headers").properties().forEach(header -> headers.put(header.getKey(), header.getValue().asString()));
                notifications.add(new PreparedNotifications.Notification(headers,
                        notification.path("body").asString().getBytes(StandardCharsets.UTF_8)));
            }
            return notifications;
        });
    }

    private static Mono<Answer> post(HttpClient client, String url, String json) {
        return client.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post().uri(url)
                .send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8))))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text)));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private record Answer(int status, String body) {
    }
}
