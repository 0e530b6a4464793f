package dev.wxai.gateway.ratelimit;

import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Spring Cloud Gateway's token-bucket script, held as text instead of as a classpath resource. The gateway's own
 * bean reads it through a {@code ResourceScriptSource}, which asks the jar for the resource's last-modified time on
 * every call: in a profile of {@code /wechat} under load that stat was about a fifth of the gateway's CPU. Same
 * script, same SHA, read once.
 */
class StaticRateLimiterScript implements BeanPostProcessor {

    static final String BEAN_NAME = "redisRequestRateLimiterScript";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!BEAN_NAME.equals(beanName) || !(bean instanceof RedisScript<?> script)) {
            return bean;
        }
        return RedisScript.of(script.getScriptAsString(), List.class);
    }
}
