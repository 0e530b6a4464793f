package dev.wxai.systemtests;

import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.PayKeys;
import dev.wxai.testsupport.RedisServer;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every service as its own JVM from its runnable jar, against the in-JVM KRaft broker, a real Redis and MariaDB,
 * and the sandbox playing WeChat and DeepSeek: the production topology on one machine. Each service reaches Redis as
 * its production ACL user ({@code k8s/redis/users.acl}), so every path these tests walk also proves that its user
 * may do what the path needs.
 */
final class Stack implements AutoCloseable {

    static final String TOKEN = "e2e-token";
    static final String APP_SECRET = "e2e-secret";
    static final String API_KEY = "sk-e2e";
    static final String OPERATOR_TOKEN = "e2e-operator-token";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** A fresh appid per stack: its access token and dedupe keys cannot meet another run's. */
    final String appId = "wxe2e" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ServiceProcess> services = new ArrayList<>();
    private final RedisServer redis;
    private final boolean ownRedis;
    private final String gateway;
    private final String sandbox;

    /** @param ingressOverrides extra ingress properties, e.g. passive reply mode or an EncodingAESKey */
    Stack(String database, Map<String, String> ingressOverrides) {
        this(database, ingressOverrides, null, Map.of());
    }

    /**
     * @param redis           the Redis the services use, started with {@link #redisWithUsers()} (a test's own when it
     *                        stops or empties it); {@code null}: the stack starts and stops its own
     * @param workerOverrides extra worker properties, e.g. a smaller free quota
     */
    Stack(String database, Map<String, String> ingressOverrides, RedisServer redis, Map<String, String> workerOverrides) {
        this.ownRedis = redis == null;
        this.redis = ownRedis ? redisWithUsers() : redis;
        String kafka = KafkaBroker.embedded().bootstrapServers();
        TestDatabase.recreate(database);
        int[] ports = ServiceProcess.freePorts(9);
        int sandboxPort = ports[0];
        int orderPort = ports[1];
        int ingressPort = ports[2];
        int gatewayPort = ports[3];
        int workerPort = ports[4];
        // No actuator on a public port (management.server.port: 8180, 8181, 8183 in production); the worker has no
        // public port, its only one is its actuator's.
        int gatewayManagementPort = ports[5];
        int ingressManagementPort = ports[7];
        int orderManagementPort = ports[8];
        // The order-service's internal port: the workers read entitlements there.
        int orderInternalPort = ports[6];
        sandbox = "http://127.0.0.1:" + sandboxPort;
        gateway = "http://127.0.0.1:" + gatewayPort;
        PayKeys keys = new PayKeys(Path.of("target", "stack-keys", database));

        Map<String, String> outside = new HashMap<>(Map.of(
                "wxai.sandbox.app-id", appId,
                "wxai.sandbox.app-secret", APP_SECRET,
                "wxai.sandbox.deepseek-api-key", API_KEY,
                "wxai.sandbox.model-latency", "100ms",
                "wxai.sandbox.pay.merchant-public-key", keys.merchantPublicPem.toString(),
                "wxai.sandbox.pay.platform-private-key", keys.platformPrivatePem.toString()));
        // The chat page signs and encrypts with the ingress's own secrets, and its messages go to this gateway.
        outside.putAll(Map.of(
                "wxai.sandbox.chat.gateway-url", gateway,
                "wxai.sandbox.chat.token", TOKEN,
                "wxai.sandbox.chat.aes-key", ingressOverrides.getOrDefault("wxai.wechat.aes-key", "")));
        services.add(ServiceProcess.start("sandbox", sandboxPort, "128m", outside));
        Map<String, String> order = new HashMap<>(Map.of(
                "spring.r2dbc.url", TestDatabase.r2dbcUrl(database),
                "spring.r2dbc.username", TestDatabase.user(),
                "spring.r2dbc.password", TestDatabase.password(),
                "spring.flyway.url", TestDatabase.jdbcUrl(database),
                "spring.data.redis.url", this.redis.url("wxai-order"),
                "spring.kafka.bootstrap-servers", kafka));
        order.putAll(Map.of(
                "wxai.pay.app-id", appId,
                "wxai.pay.merchant-private-key", keys.merchantPrivatePem.toString(),
                "wxai.pay.public-key", keys.platformPublicPem.toString(),
                "wxai.pay.base-url", sandbox,
                "wxai.pay.notify-url", gateway + "/pay/notify"));
        // Sign-in and the member page: WeChat's authorize page, code exchange and JS-SDK ticket are the sandbox's; the
        // browser meets the member page on the gateway and the stand-in WeixinJSBridge on the sandbox.
        order.putAll(Map.of(
                "wxai.wechat.app-id", appId,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox,
                "wxai.wechat.oauth-base-url", sandbox,
                "wxai.web.base-url", gateway,
                "wxai.web.dev-bridge-url", sandbox + "/sandbox/weixin-jsbridge.js",
                "wxai.admin.tokens", "e2e:" + sha256(OPERATOR_TOKEN)));
        order.put("wxai.internal.port", String.valueOf(orderInternalPort));
        services.add(ServiceProcess.start("order-service", orderPort, orderManagementPort, "256m", order));
        Map<String, String> ingress = new HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", kafka,
                "spring.data.redis.url", this.redis.url("wxai-ingress"),
                "wxai.wechat.app-id", appId,
                "wxai.wechat.token", TOKEN));
        ingress.putAll(ingressOverrides);
        services.add(ServiceProcess.start("wechat-ingress-service", ingressPort, ingressManagementPort, "256m", ingress));
        Map<String, String> worker = new HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", kafka,
                "spring.data.redis.url", this.redis.url("wxai-worker"),
                "wxai.wechat.app-id", appId,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox,
                "wxai.deepseek.base-url", sandbox,
                "wxai.deepseek.api-key", API_KEY,
                "wxai.entitlements.url", "http://127.0.0.1:" + orderInternalPort));
        worker.putAll(workerOverrides);
        services.add(ServiceProcess.start("ai-worker-service", workerPort, "256m", worker));
        services.add(ServiceProcess.start("gateway-service", gatewayPort, gatewayManagementPort, "256m", Map.of(
                "spring.data.redis.url", this.redis.url("wxai-gateway"),
                "wxai.gateway.ingress-uris", "http://127.0.0.1:" + ingressPort,
                "wxai.gateway.order-uris", "http://127.0.0.1:" + orderPort,
                // Readiness of the upstreams, on their management ports.
                "spring.cloud.loadbalancer.clients.ingress.health-check.port", String.valueOf(ingressManagementPort),
                "spring.cloud.loadbalancer.clients.order.health-check.port", String.valueOf(orderManagementPort),
                // The sandbox's chat page calls /api/** from its own origin (as bin/stack allows it).
                "wxai.gateway.web-origins", sandbox + ",http://localhost:" + sandboxPort,
                // Every test and browser here is one address: 127.0.0.1. The per-address limit is the gateway's own
                // test's business (RateLimitIT); here it would only make page loads flaky.
                "wxai.gateway.api.replenish-rate", "200",
                "wxai.gateway.api.burst-capacity", "400")));
        try {
            services.forEach(service -> service.awaitHealthy(START_TIMEOUT));
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
    }

    /** A Redis whose users are production's ({@code k8s/redis/users.acl}), each service's with a test password. */
    static RedisServer redisWithUsers() {
        Path root = Path.of(System.getProperty("wxai.root", "..")).toAbsolutePath().normalize();
        return RedisServer.startWithUsers(root.resolve("k8s").resolve("redis").resolve("users.acl"));
    }

    /** The stack's Redis: the test looks at it as its own admin user ({@link RedisServer#url()}). */
    RedisServer redis() {
        return redis;
    }

    private static String sha256(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String gateway() {
        return gateway;
    }

    String sandbox() {
        return sandbox;
    }

    /** What the service logged so far. */
    String log(String module) {
        Path log = service(module).log();
        try {
            return java.nio.file.Files.readString(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Where the service's actuator answers ({@code /actuator/prometheus}): its management port. */
    String managementUrl(String module) {
        return service(module).managementUrl();
    }

    private ServiceProcess service(String module) {
        return services.stream().filter(service -> service.module().equals(module)).findFirst().orElseThrow();
    }

    /**
     * Stops every service, then fails if Redis refused any of them anything on the way (its {@code ACL LOG}): a path
     * whose user lacks a key pattern or a command must not pass as a fallback or a logged warning.
     */
    @Override
    public void close() {
        String refusals;
        try {
            stopServices();
            refusals = redis.refusals();
        } finally {
            if (ownRedis) {
                redis.close();
            }
        }
        if (!refusals.isEmpty()) {
            throw new AssertionError("Redis refused a service's user (k8s/redis/users.acl):\n" + refusals);
        }
    }

    private void stopAll() {
        stopServices();
        if (ownRedis) {
            redis.close();
        }
    }

    private void stopServices() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }
}
