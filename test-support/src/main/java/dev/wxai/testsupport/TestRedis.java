package dev.wxai.testsupport;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The real Redis that runs beside the build (127.0.0.1:6379 unless {@code WXAI_TEST_REDIS_HOST}/{@code _PORT}
 * say otherwise). Tests use database {@value #DATABASE} so that they never touch a developer's local stack,
 * which uses database 0, and they use unique ids so that they never touch each other.
 */
public final class TestRedis {

    public static final int DATABASE = 15;

    private static LettuceConnectionFactory factory;

    private TestRedis() {
    }

    public static String host() {
        return System.getenv().getOrDefault("WXAI_TEST_REDIS_HOST", "127.0.0.1");
    }

    public static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("WXAI_TEST_REDIS_PORT", "6379"));
    }

    /** For services under test: {@code spring.data.redis.url}. */
    public static String url() {
        return "redis://" + host() + ":" + port() + "/" + DATABASE;
    }

    public static synchronized LettuceConnectionFactory connectionFactory() {
        if (factory == null) {
            RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(host(), port());
            config.setDatabase(DATABASE);
            factory = new LettuceConnectionFactory(config);
            factory.afterPropertiesSet();
            factory.start();
        }
        return factory;
    }

    public static ReactiveStringRedisTemplate template() {
        return new ReactiveStringRedisTemplate(connectionFactory());
    }
}
