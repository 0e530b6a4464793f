package dev.wxai.sandbox.pay;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A user pays a transaction: it succeeds and WeChat Pay sends the merchant its signed, sealed notification. The
 * sandbox's "user pays" button and the stand-in WeChat client's pay sheet both pay through here, so a page paid
 * through {@code WeixinJSBridge} notifies exactly as the button does.
 */
@Component
class UserPayment {

    private final PayNotifier notifier;

    UserPayment(PayNotifier notifier) {
        this.notifier = notifier;
    }

    /** Completes when the notifications were answered (or failed): the statuses our service returned, in order. */
    Mono<Paid> pay(PayLedger.Transaction transaction, PayRequest request) {
        if (!request.forged()) {
            transaction.succeed();
        }
        Map<String, Object> resource = transaction.json();
        if (request.forged() && transaction.transactionId == null) {
            // A forger claims a payment WeChat Pay never made.
            resource.put("transaction_id", "42000FORGED" + System.nanoTime());
            resource.put("trade_state", "SUCCESS");
        }
        if (request.amountFen() != null) {
            resource.put("amount", Map.of("total", request.amountFen(), "payer_total", request.amountFen(),
                    "currency", "CNY", "payer_currency", "CNY"));
        }
        String transactionId = String.valueOf(resource.get("transaction_id"));
        if (!request.notifyOrDefault()) {
            return Mono.just(new Paid(transactionId, List.of()));
        }
        return notifier.send(transaction.notifyUrl, "TRANSACTION.SUCCESS", "transaction", resource,
                        new PayNotifier.Options(request.copies(), request.forged(), request.stale(), request.traceparent()))
                .map(statuses -> new Paid(transactionId, statuses));
    }

    /** @param statuses what our service answered to each notification; -1 when it could not be reached */
    record Paid(String transactionId, List<Integer> statuses) {
    }

    /**
     * @param copies    identical notifications sent at once (duplicates)
     * @param forged    signed by a key that is not WeChat Pay's
     * @param stale     dated ten minutes ago
     * @param amountFen a different amount than the order's
     * @param sendNotification false: pay without notifying (a lost notification)
     * @param traceparent a W3C trace the notification is sent under (tests follow a payment with it)
     */
    record PayRequest(Integer copies, Boolean forged, Boolean stale, Long amountFen, Boolean sendNotification, String traceparent) {

        /** What a real user's payment is: one genuine notification, on time, of the order's amount. */
        static final PayRequest GENUINE = new PayRequest(1, false, false, null, true, null);

        PayRequest {
            copies = copies == null ? 1 : copies;
            forged = Boolean.TRUE.equals(forged);
            stale = Boolean.TRUE.equals(stale);
        }

        boolean notifyOrDefault() {
            return sendNotification == null || sendNotification;
        }
    }
}
