package dev.wxai.ingress.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param dedupeTtl      how long a delivery key is remembered; WeChat retries for ~15 s, so the default of
 *                       five minutes leaves room for clock skew and slow retries (WxJava's 10 s is too short)
 * @param publishTimeout how long to wait for the broker's ack before telling WeChat to retry; well under
 *                       WeChat's 5-second deadline
 */
@Validated
@ConfigurationProperties("wxai.ingress")
public record IngressProperties(@NotNull Duration dedupeTtl, @NotNull Duration publishTimeout) {
}
