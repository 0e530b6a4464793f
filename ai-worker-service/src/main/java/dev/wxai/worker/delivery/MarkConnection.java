package dev.wxai.worker.delivery;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * A Redis connection of its own, same server and user, for the mark written the moment WeChat took a piece of a
 * reply. On the shared connection that mark would queue behind every other reply's commands, and its wait is the
 * window in which a crash leaves the reply's outcome unknown ({@link ReplyClaims}).
 */
@Component
class MarkConnection implements DisposableBean {

    private final LettuceConnectionFactory factory;
    private final ReactiveStringRedisTemplate redis;

    MarkConnection(LettuceConnectionFactory shared) {
        this.factory = new LettuceConnectionFactory(shared.getStandaloneConfiguration(), shared.getClientConfiguration());
        factory.afterPropertiesSet();
        factory.start();
        this.redis = new ReactiveStringRedisTemplate(factory);
    }

    ReactiveStringRedisTemplate redis() {
        return redis;
    }

    @Override
    public void destroy() {
        factory.destroy();
    }
}
