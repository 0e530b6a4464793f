package dev.wxai.order.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.LocalTime;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param expiry            how long an order can be paid (also sent to WeChat Pay as {@code time_expire})
 * @param notifyMaxAge      notifications whose Wechatpay-Timestamp is older are refused as replays
 * @param sweepInterval     how often CREATED orders past their expiry are checked with WeChat Pay
 * @param sweepBatch        how many of them one sweep looks at
 * @param outboxInterval    how often unpublished outbox rows are relayed to Kafka
 * @param outboxBatch       how many rows one relay pass takes
 * @param partialRefund     what a partial refund does to a membership: PRO_RATA shortens it by the refunded share,
 *                          KEEP leaves it; neither ends it
 * @param refundQueryAfter  a refund still PROCESSING this long after it was asked for is queried at WeChat Pay (its
 *                          notification may be lost)
 * @param refundAlertAfter  a refund still PROCESSING this long counts as stuck ({@code wxai_refunds_stuck})
 * @param reconcileAt       when the daily reconciliation with yesterday's trade bill runs, Beijing time (WeChat Pay
 *                          publishes bills from 10:00)
 */
@Validated
@ConfigurationProperties("wxai.order")
public record OrderProperties(
        @NotNull Duration expiry,
        @NotNull Duration notifyMaxAge,
        @NotNull Duration sweepInterval,
        @Min(1) int sweepBatch,
        @NotNull Duration outboxInterval,
        @Min(1) int outboxBatch,
        @NotNull PartialRefund partialRefund,
        @NotNull Duration refundQueryAfter,
        @NotNull Duration refundAlertAfter,
        @NotNull LocalTime reconcileAt) {

    public enum PartialRefund {
        PRO_RATA, KEEP
    }
}
