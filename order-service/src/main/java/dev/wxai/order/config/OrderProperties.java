package dev.wxai.order.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param expiry            how long an order can be paid (also sent to WeChat Pay as {@code time_expire})
 * @param notifyMaxAge      notifications whose Wechatpay-Timestamp is older are refused as replays
 * @param sweepInterval     how often CREATED orders past their expiry are checked with WeChat Pay
 * @param sweepBatch        how many of them one sweep looks at
 * @param outboxInterval    how often unpublished outbox rows are relayed to Kafka
 * @param outboxBatch       how many rows one relay pass takes
 */
@Validated
@ConfigurationProperties("wxai.order")
public record OrderProperties(
        @NotNull Duration expiry,
        @NotNull Duration notifyMaxAge,
        @NotNull Duration sweepInterval,
        @Min(1) int sweepBatch,
        @NotNull Duration outboxInterval,
        @Min(1) int outboxBatch) {
}
