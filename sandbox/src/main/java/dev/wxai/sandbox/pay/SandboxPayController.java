package dev.wxai.sandbox.pay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The sandbox's own WeChat Pay buttons, which exist nowhere on the real service: a user pays an order (with its
 * notification duplicated, forged, stale, of another amount or lost, to test the merchant), and a load test pays
 * thousands.
 */
@RestController
class SandboxPayController {

    private final PayLedger ledger;
    private final PayNotifier notifier;
    private final UserPayment payment;

    SandboxPayController(PayLedger ledger, PayNotifier notifier, UserPayment payment) {
        this.ledger = ledger;
        this.notifier = notifier;
        this.payment = payment;
    }

    /**
     * The user pays. Sends the notification (optionally many copies, forged, stale or with another amount) and answers
     * {@code {transactionId, statuses}}, the statuses our service returned. {@code sendNotification:false} pays without
     * notifying, as when the notification is lost.
     */
    @PostMapping("/sandbox/pay/{outTradeNo}")
    Mono<ResponseEntity<?>> pay(@PathVariable String outTradeNo,
                                @RequestBody(required = false) UserPayment.PayRequest request) {
        return ledger.find(outTradeNo)
                .<Mono<ResponseEntity<?>>>map(transaction -> payment
                        .pay(transaction, request == null ? UserPayment.PayRequest.GENUINE : request)
                        .map(ResponseEntity::ok))
                .orElseGet(() -> Mono.just(ResponseEntity.status(404)
                        .body(Map.of("code", "ORDER_NOT_EXIST", "message", "no prepay for " + outTradeNo))));
    }

    /**
     * Load test of notification handling: pays every listed order and sends each one notification, at most
     * {@code concurrency} in flight, timing every request. Answers with the count per status, the wall time and
     * latency percentiles (milliseconds).
     */
    @PostMapping("/sandbox/pay-batch")
    Mono<Map<String, Object>> payBatch(@RequestBody BatchRequest request) {
        // Sealing and signing first, untimed and off the event loop: the load generator's RSA work must not be
        // what is measured.
        return Mono.fromCallable(() -> prepareAll(request)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(notifications -> {
                    long started = System.nanoTime();
                    return Flux.fromIterable(notifications)
                            .flatMap(notification -> {
                                long sent = System.nanoTime();
                                return notifier.deliver(notification)
                                        .map(status -> new long[] {status, (System.nanoTime() - sent) / 1000});
                            }, Math.max(1, request.concurrency()))
                            .collectList()
                            .map(results -> summary(results, System.nanoTime() - started));
                });
    }

    /** @param notifyUrl where to send instead of each order's notify_url (e.g. one instance, past the gateway) */
    record BatchRequest(List<String> outTradeNos, int concurrency, String notifyUrl) {
    }

    /**
     * Pays every listed order, as {@code sendNotification:false} does, and answers with the notifications WeChat Pay
     * would send, {@code [{url, headers, body}]} in the order asked, sealed and signed, instead of sending them: the
     * load tool ({@code bench/load notify}) delivers them at its own constant rate, and only the sandbox holds WeChat
     * Pay's key. Orders the sandbox does not know are left out.
     */
    @PostMapping("/sandbox/pay-prepare")
    Mono<List<Map<String, Object>>> payPrepare(@RequestBody PrepareRequest request) {
        return Mono.fromCallable(() -> prepareAll(new BatchRequest(request.outTradeNos(), 1, request.notifyUrl())).stream()
                        .map(SandboxPayController::delivery)
                        .toList())
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** @param notifyUrl the {@code url} to hand back instead of each order's notify_url, or null */
    record PrepareRequest(List<String> outTradeNos, String notifyUrl) {
    }

    private List<PayNotifier.Prepared> prepareAll(BatchRequest request) {
        return request.outTradeNos().stream()
                .map(ledger::find).flatMap(Optional::stream)
                .map(transaction -> {
                    transaction.succeed();
                    String url = request.notifyUrl() == null ? transaction.notifyUrl : request.notifyUrl();
                    return notifier.prepare(url, "TRANSACTION.SUCCESS", "transaction", transaction.json());
                })
                .toList();
    }

    private static Map<String, Object> delivery(PayNotifier.Prepared notification) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        notification.signature().writeTo(headers);
        Map<String, String> single = new LinkedHashMap<>();
        headers.forEach((name, values) -> single.put(name, values.get(0)));
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("url", notification.url());
        delivery.put("headers", single);
        delivery.put("body", notification.body());
        return delivery;
    }

    private static Map<String, Object> summary(List<long[]> results, long elapsedNanos) {
        long[] micros = results.stream().mapToLong(r -> r[1]).sorted().toArray();
        Map<Long, Long> statuses = new TreeMap<>();
        results.forEach(r -> statuses.merge(r[0], 1L, Long::sum));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("notifications", results.size());
        summary.put("statuses", statuses);
        summary.put("elapsedMs", elapsedNanos / 1_000_000);
        summary.put("p50Ms", percentile(micros, 0.50));
        summary.put("p99Ms", percentile(micros, 0.99));
        summary.put("maxMs", micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0);
        return summary;
    }

    private static double percentile(long[] sortedMicros, double quantile) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(index, sortedMicros.length - 1))] / 1000.0;
    }
}
