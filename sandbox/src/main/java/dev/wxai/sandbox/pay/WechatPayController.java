package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayAuthorization;
import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * WeChat Pay API v3 as the sandbox plays it: every request's signature is checked with the merchant's public key
 * (401 SIGN_ERROR otherwise), bodies are validated like the real API (400 PARAM_ERROR), every answer is signed by
 * the {@link PlatformSigner} as WeChat Pay signs its own, and an order can be "paid"
 * through {@code POST /sandbox/pay/{outTradeNo}}, which sends the signed, encrypted notification.
 */
@RestController
class WechatPayController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern OUT_TRADE_NO = Pattern.compile("[0-9A-Za-z_\\-|*]{6,32}");

    private final SandboxProperties.Pay pay;
    private final PublicKey merchantKey;
    private final PayLedger ledger;
    private final PayNotifier notifier;
    private final PlatformSigner signer;
    private final Faults faults;

    WechatPayController(SandboxProperties properties, PayLedger ledger, PayNotifier notifier, PlatformSigner signer,
                        Faults faults) {
        this.pay = properties.pay();
        this.merchantKey = pay == null || !Files.isReadable(Path.of(pay.merchantPublicKey()))
                ? null : PayCrypto.publicKey(pay.merchantPublicKey());
        this.ledger = ledger;
        this.notifier = notifier;
        this.signer = signer;
        this.faults = faults;
    }

    @PostMapping({"/v3/pay/transactions/jsapi", "/v3/pay/transactions/native"})
    ResponseEntity<String> prepay(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                               @RequestBody String body) {
        return verified(request, authorization, body).orElseGet(() -> {
            JsonNode json = parse(body);
            boolean jsapi = request.getPath().value().endsWith("/jsapi");
            String outTradeNo = json.path("out_trade_no").asString("");
            long total = json.path("amount").path("total").asLong(0);
            String openid = json.path("payer").path("openid").asString("");
            if (!OUT_TRADE_NO.matcher(outTradeNo).matches()) {
                return failure(400, "PARAM_ERROR", "out_trade_no 格式错误");
            }
            if (total <= 0 || !pay.mchId().equals(json.path("mchid").asString()) || json.path("notify_url").asString("").isBlank()
                    || json.path("appid").asString("").isBlank() || (jsapi && openid.isBlank())) {
                return failure(400, "PARAM_ERROR", "参数错误");
            }
            PayLedger.Transaction transaction = ledger.open(new PayLedger.Transaction(outTradeNo, json.path("appid").asString(),
                    pay.mchId(), json.path("description").asString(""), total, openid, json.path("notify_url").asString(),
                    jsapi ? "JSAPI" : "NATIVE", "wx" + UUID.randomUUID().toString().replace("-", "")));
            return answer(200, jsapi
                    ? Map.of("prepay_id", transaction.prepayId)
                    : Map.of("code_url", "weixin://wxpay/bizpayurl?pr=" + transaction.prepayId.substring(2, 12)));
        });
    }

    @GetMapping("/v3/pay/transactions/out-trade-no/{outTradeNo}")
    ResponseEntity<String> query(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                              @PathVariable String outTradeNo) {
        return verified(request, authorization, "").orElseGet(() -> ledger.find(outTradeNo)
                .map(transaction -> answer(200, transactionJson(transaction)))
                .orElseGet(() -> failure(404, "ORDER_NOT_EXIST", "订单不存在")));
    }

    @PostMapping("/v3/pay/transactions/out-trade-no/{outTradeNo}/close")
    ResponseEntity<String> close(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                              @PathVariable String outTradeNo, @RequestBody String body) {
        return verified(request, authorization, body).orElseGet(() -> ledger.find(outTradeNo).map(transaction -> {
            if ("SUCCESS".equals(transaction.state)) {
                return failure(400, "ORDERPAID", "订单已支付");
            }
            transaction.state = "CLOSED";
            return answer(204, null);
        }).orElseGet(() -> failure(404, "ORDER_NOT_EXIST", "订单不存在")));
    }

    @PostMapping("/v3/refund/domestic/refunds")
    Mono<ResponseEntity<String>> refund(ServerHttpRequest request,
                                                     @RequestHeader(name = "Authorization", required = false) String authorization,
                                                     @RequestBody String body) {
        Optional<ResponseEntity<String>> refused = verified(request, authorization, body);
        if (refused.isPresent()) {
            return Mono.just(refused.get());
        }
        JsonNode json = parse(body);
        Optional<PayLedger.Transaction> paid = ledger.find(json.path("out_trade_no").asString(""))
                .filter(transaction -> "SUCCESS".equals(transaction.state));
        if (paid.isEmpty()) {
            return Mono.just(failure(404, "RESOURCE_NOT_EXISTS", "订单不存在或未支付"));
        }
        PayLedger.Transaction transaction = paid.get();
        transaction.state = "REFUND";
        String refundId = "50" + System.nanoTime();
        Map<String, Object> refund = new LinkedHashMap<>();
        refund.put("mchid", pay.mchId());
        refund.put("out_trade_no", transaction.outTradeNo);
        refund.put("transaction_id", transaction.transactionId);
        refund.put("out_refund_no", json.path("out_refund_no").asString());
        refund.put("refund_id", refundId);
        refund.put("refund_status", "SUCCESS");
        refund.put("success_time", now());
        refund.put("amount", Map.of("total", transaction.total, "refund", json.path("amount").path("refund").asLong(),
                "payer_total", transaction.total, "payer_refund", json.path("amount").path("refund").asLong()));
        // The refund completes asynchronously, as in production: the answer says PROCESSING, a notification follows.
        notifier.send(json.path("notify_url").asString(transaction.notifyUrl), "REFUND.SUCCESS", "refund", refund,
                new PayNotifier.Options(1, false, false, null)).subscribe();
        return Mono.just(answer(200, Map.of("refund_id", refundId, "out_refund_no", json.path("out_refund_no").asString(),
                "out_trade_no", transaction.outTradeNo, "status", "PROCESSING")));
    }

    /**
     * The sandbox's own button: the user pays. Sends the notification (optionally many copies, forged, stale or
     * with another amount) and answers with the statuses our service returned. {@code sendNotification:false} pays without
     * notifying, as when the notification is lost.
     */
    @PostMapping("/sandbox/pay/{outTradeNo}")
    Mono<ResponseEntity<Map<String, Object>>> pay(@PathVariable String outTradeNo, @RequestBody(required = false) PayRequest request) {
        PayRequest options = request == null ? new PayRequest(1, false, false, null, true, null) : request;
        Optional<PayLedger.Transaction> found = ledger.find(outTradeNo);
        if (found.isEmpty()) {
            return Mono.just(error(404, "ORDER_NOT_EXIST", "no prepay for " + outTradeNo));
        }
        PayLedger.Transaction transaction = found.get();
        if (!options.forged()) {
            synchronized (transaction) {
                if (transaction.transactionId == null) {
                    transaction.transactionId = "42000" + System.currentTimeMillis() + ThreadLocalRandom.current().nextInt(1000, 9999);
                    transaction.successTime = now();
                }
                transaction.state = "SUCCESS";
            }
        }
        Map<String, Object> resource = transactionJson(transaction);
        if (options.forged() && transaction.transactionId == null) {
            resource.put("transaction_id", "42000FORGED" + System.nanoTime());
            resource.put("trade_state", "SUCCESS");
        }
        if (options.amountFen() != null) {
            resource.put("amount", Map.of("total", options.amountFen(), "payer_total", options.amountFen(),
                    "currency", "CNY", "payer_currency", "CNY"));
        }
        if (!options.notifyOrDefault()) {
            return Mono.just(ResponseEntity.ok(Map.of("transactionId", String.valueOf(transaction.transactionId), "statuses", List.of())));
        }
        return notifier.send(transaction.notifyUrl, "TRANSACTION.SUCCESS", "transaction", resource,
                        new PayNotifier.Options(options.copies(), options.forged(), options.stale(), options.traceparent()))
                .map(statuses -> ResponseEntity.ok(Map.of("transactionId", String.valueOf(resource.get("transaction_id")),
                        "statuses", statuses)));
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
        return Mono.fromCallable(() -> prepareAll(request)).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .flatMap(notifications -> {
                    long started = System.nanoTime();
                    return reactor.core.publisher.Flux.fromIterable(notifications)
                            .flatMap(notification -> {
                                long sent = System.nanoTime();
                                return notifier.deliver(notification)
                                        .map(status -> new long[] {status, (System.nanoTime() - sent) / 1000});
                            }, Math.max(1, request.concurrency()))
                            .collectList()
                            .map(results -> summary(results, System.nanoTime() - started));
                });
    }

    private List<PayNotifier.Prepared> prepareAll(BatchRequest request) {
        return request.outTradeNos().stream()
                .map(ledger::find).flatMap(Optional::stream)
                .map(transaction -> {
                    synchronized (transaction) {
                        if (transaction.transactionId == null) {
                            transaction.transactionId = "42000" + System.nanoTime();
                            transaction.successTime = now();
                        }
                        transaction.state = "SUCCESS";
                    }
                    String url = request.notifyUrl() == null ? transaction.notifyUrl : request.notifyUrl();
                    return notifier.prepare(url, "TRANSACTION.SUCCESS", "transaction", transactionJson(transaction));
                })
                .toList();
    }

    private static Map<String, Object> summary(List<long[]> results, long elapsedNanos) {
        long[] micros = results.stream().mapToLong(r -> r[1]).sorted().toArray();
        Map<Long, Long> statuses = new java.util.TreeMap<>();
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
                        .map(WechatPayController::delivery)
                        .toList())
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
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

    /** @param notifyUrl the {@code url} to hand back instead of each order's notify_url, or null */
    record PrepareRequest(List<String> outTradeNos, String notifyUrl) {
    }

    private Map<String, Object> transactionJson(PayLedger.Transaction transaction) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("appid", transaction.appid);
        json.put("mchid", transaction.mchid);
        json.put("out_trade_no", transaction.outTradeNo);
        json.put("trade_type", transaction.tradeType);
        json.put("trade_state", "REFUND".equals(transaction.state) ? "REFUND" : transaction.state);
        json.put("trade_state_desc", transaction.state);
        if (transaction.transactionId != null) {
            json.put("transaction_id", transaction.transactionId);
            json.put("bank_type", "OTHERS");
            json.put("success_time", transaction.successTime);
            json.put("payer", Map.of("openid", transaction.openid));
        }
        json.put("amount", Map.of("total", transaction.total, "payer_total", transaction.total, "currency", "CNY",
                "payer_currency", "CNY"));
        return json;
    }

    /** Empty when the request is signed by the merchant; otherwise the 401 WeChat Pay sends. */
    private Optional<ResponseEntity<String>> verified(ServerHttpRequest request, String authorization, String body) {
        if (merchantKey == null) {
            return Optional.of(failure(500, "SYSTEM_ERROR", "sandbox has no merchant public key configured"));
        }
        PayAuthorization auth = PayAuthorization.parse(authorization);
        if (auth == null || !pay.mchId().equals(auth.mchid())) {
            return Optional.of(failure(401, "SIGN_ERROR", "Authorization 头缺失或格式错误"));
        }
        String query = request.getURI().getRawQuery();
        String pathAndQuery = request.getURI().getRawPath() + (query == null ? "" : "?" + query);
        String message = PayAuthorization.signedMessage(request.getMethod().name(), pathAndQuery, auth.timestamp(),
                auth.nonce(), body == null ? "" : body);
        if (!PayCrypto.verify(merchantKey, auth.serialNo(), auth.serialNo(), message, auth.signature())) {
            return Optional.of(failure(401, "SIGN_ERROR", "签名错误"));
        }
        return Optional.empty();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null ? "{}" : body);
        } catch (JacksonException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * An answer of the API, signed like WeChat Pay's (errors included). A queued {@code pay-response} fault makes the
     * next one carry a forged signature, as a man in the middle would.
     */
    private ResponseEntity<String> answer(int status, Map<String, Object> body) {
        String json = body == null ? "" : JSON.writeValueAsString(body);
        boolean forged = faults.next("pay-response").isPresent();
        HttpHeaders headers = new HttpHeaders();
        signer.sign(json, forged, false).writeTo(headers);
        headers.set("Request-ID", UUID.randomUUID().toString());
        if (body != null) {
            headers.setContentType(MediaType.APPLICATION_JSON);
        }
        return ResponseEntity.status(status).headers(headers).body(body == null ? null : json);
    }

    private ResponseEntity<String> failure(int status, String code, String message) {
        return answer(status, Map.of("code", code, "message", message));
    }

    private static ResponseEntity<Map<String, Object>> error(int status, String code, String message) {
        return ResponseEntity.status(status).body(Map.of("code", code, "message", message));
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString();
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
