package dev.wxai.order;

import dev.wxai.common.event.Topics;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.PayKeys;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestDatabase;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatSignIn;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order-service on real MariaDB, Redis and Kafka, with the sandbox (its own JVM) playing WeChat Pay and WeChat's
 * sign-in. Every IT of this module extends it, so they share one application context and one sandbox.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
public abstract class OrderServiceStack {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    static final String API_V3_KEY = "itApiV3Key0123456789abcdefghijkl";
    static final String MCH_ID = "1900000109";
    static final String APP_ID = "wxorderserviceit";
    static final String APP_SECRET = "order-it-app-secret";
    static final String OPERATOR_TOKEN = "it-operator-token-5b1f0c9e";
    static final int[] PORTS = ServiceProcess.freePorts(2);
    static final String BASE_URL = "http://127.0.0.1:" + PORTS[0];
    static final PayKeys KEYS = new PayKeys(Path.of("target", "pay-keys"));
    static final ServiceProcess SANDBOX = ServiceProcess.start("sandbox", PORTS[1], "192m", Map.of(
            "wxai.sandbox.app-id", APP_ID,
            "wxai.sandbox.app-secret", APP_SECRET,
            "wxai.sandbox.pay.mch-id", MCH_ID,
            "wxai.sandbox.pay.api-v3-key", API_V3_KEY,
            "wxai.sandbox.pay.merchant-public-key", KEYS.merchantPublicPem.toString(),
            "wxai.sandbox.pay.platform-private-key", KEYS.platformPrivatePem.toString(),
            "wxai.sandbox.pay.public-key-id", "PUB_KEY_ID_IT"));

    static {
        // One sandbox for every IT class in this JVM: an @AfterAll here would stop it after the first class.
        Runtime.getRuntime().addShutdownHook(new Thread(SANDBOX::close));
    }

    private static final Map<String, WechatSignIn.User> SIGNED_IN = new ConcurrentHashMap<>();

    /** The sandbox's own control API, typed. */
    protected static final SandboxClient SANDBOX_CLIENT = new SandboxClient(SANDBOX.baseUrl());

    @Autowired
    protected DatabaseClient db;

    protected WebTestClient api;
    protected WebTestClient sandbox;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String database = TestDatabase.recreate("wxai_order_it");
        registry.add("server.port", () -> PORTS[0]);
        registry.add("spring.r2dbc.url", () -> TestDatabase.r2dbcUrl(database));
        registry.add("spring.r2dbc.username", TestDatabase::user);
        registry.add("spring.r2dbc.password", TestDatabase::password);
        registry.add("spring.flyway.url", () -> TestDatabase.jdbcUrl(database));
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.embedded().bootstrapServers());
        registry.add("wxai.pay.mch-id", () -> MCH_ID);
        registry.add("wxai.pay.app-id", () -> APP_ID);
        registry.add("wxai.pay.api-v3-key", () -> API_V3_KEY);
        registry.add("wxai.pay.merchant-private-key", KEYS.merchantPrivatePem::toString);
        registry.add("wxai.pay.public-key", KEYS.platformPublicPem::toString);
        registry.add("wxai.pay.public-key-id", () -> "PUB_KEY_ID_IT");
        registry.add("wxai.pay.base-url", () -> SANDBOX.baseUrl());
        registry.add("wxai.pay.notify-url", () -> BASE_URL + "/pay/notify");
        registry.add("wxai.wechat.app-id", () -> APP_ID);
        registry.add("wxai.wechat.app-secret", () -> APP_SECRET);
        registry.add("wxai.wechat.api-base-url", () -> SANDBOX.baseUrl());
        registry.add("wxai.wechat.oauth-base-url", () -> SANDBOX.baseUrl());
        registry.add("wxai.web.base-url", () -> BASE_URL);
        registry.add("wxai.admin.tokens", () -> "ops-it:" + sha256(OPERATOR_TOKEN));
        registry.add("wxai.internal.port", () -> 0);
        // The actuator's own port (8183 in production), a free one here.
        registry.add("management.server.port", () -> 0);
        // The tests run sweeps themselves.
        registry.add("wxai.order.sweep-interval", () -> "1h");
        registry.add("wxai.order.outbox-interval", () -> "200ms");
        SANDBOX.awaitHealthy(Duration.ofMinutes(2));
    }

    @BeforeEach
    void clients() {
        api = WebTestClient.bindToServer().baseUrl(BASE_URL).responseTimeout(Duration.ofSeconds(30)).build();
        sandbox = WebTestClient.bindToServer().baseUrl(SANDBOX.baseUrl()).responseTimeout(Duration.ofSeconds(60)).build();
    }

    /** A browser signed in as {@code openid}, once per openid (sessions outlive a test; Redis is shared). */
    protected static WechatSignIn.User user(String openid) {
        return SIGNED_IN.computeIfAbsent(openid, id -> WechatSignIn.signIn(BASE_URL, id));
    }

    protected static JsonNode createOrder(String openid, String sku, String channel) {
        HttpResponse<String> created = user(openid).postJson("/api/orders",
                JSON.writeValueAsString(Map.of("sku", sku, "channel", channel)));
        if (created.statusCode() != 201) {
            throw new AssertionError("POST /api/orders answered " + created.statusCode() + ": " + created.body());
        }
        return JSON.readTree(created.body());
    }

    protected WebTestClient.RequestHeadersSpec<?> asOperator(WebTestClient.RequestHeadersSpec<?> request) {
        return request.header("Authorization", "Bearer " + OPERATOR_TOKEN);
    }

    /** Pays the order in the sandbox's WeChat Pay, which notifies us (options: copies, forged, stale, …). */
    protected JsonNode pay(String outTradeNo, Map<String, Object> options) {
        byte[] body = sandbox.post().uri("/sandbox/pay/" + outTradeNo).contentType(MediaType.APPLICATION_JSON).bodyValue(options)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    /** The values of {@code order.events} records of this order, in the order they were published. */
    protected static List<String> eventsFor(String outTradeNo) {
        return TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(), Topics.ORDER_EVENTS,
                record -> outTradeNo.equals(record.key())).stream().map(record -> record.value()).toList();
    }

    protected String transactionOf(String outTradeNo) {
        return db.sql("SELECT p.transaction_id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.out_trade_no = :no")
                .bind("no", outTradeNo).map(row -> row.get("transaction_id", String.class)).one().block();
    }

    protected String status(String outTradeNo) {
        return db.sql("SELECT status FROM orders WHERE out_trade_no = :no").bind("no", outTradeNo)
                .map(row -> row.get("status", String.class)).one().block();
    }

    protected long count(String sql) {
        return db.sql(sql).map(row -> row.get("n", Long.class)).one().block();
    }

    String buyerOf(String outTradeNo) {
        return db.sql("SELECT openid FROM orders WHERE out_trade_no = :no").bind("no", outTradeNo)
                .map(row -> row.get("openid", String.class)).one().block();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
