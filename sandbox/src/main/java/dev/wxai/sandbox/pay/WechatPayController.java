package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayAuthorization;
import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 * (401 SIGN_ERROR otherwise), bodies are validated like the real API (400 PARAM_ERROR), and every answer is signed by
 * the {@link PlatformSigner} as WeChat Pay signs its own. Users pay elsewhere: {@link SandboxPayController}'s button
 * and {@link JsapiPayController}'s stand-in WeChat client.
 */
@RestController
class WechatPayController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern OUT_TRADE_NO = Pattern.compile("[0-9A-Za-z_\\-|*]{6,32}");

    private final SandboxProperties.Pay pay;
    private final MerchantKey merchantKey;
    private final PayLedger ledger;
    private final PayNotifier notifier;
    private final PlatformSigner signer;
    private final Faults faults;

    WechatPayController(SandboxProperties properties, MerchantKey merchantKey, PayLedger ledger, PayNotifier notifier,
                        PlatformSigner signer, Faults faults) {
        this.pay = properties.pay();
        this.merchantKey = merchantKey;
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
                .map(transaction -> answer(200, transaction.json()))
                .orElseGet(() -> failure(404, "ORDER_NOT_EXIST", "订单不存在")));
    }

    @PostMapping("/v3/pay/transactions/out-trade-no/{outTradeNo}/close")
    ResponseEntity<String> close(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                              @PathVariable String outTradeNo, @RequestBody String body) {
        return verified(request, authorization, body).orElseGet(() -> ledger.find(outTradeNo).map(transaction -> {
            if (!transaction.closeUnlessPaid()) {
                return failure(400, "ORDERPAID", "订单已支付");
            }
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
        refund.put("success_time", PayLedger.now());
        refund.put("amount", Map.of("total", transaction.total, "refund", json.path("amount").path("refund").asLong(),
                "payer_total", transaction.total, "payer_refund", json.path("amount").path("refund").asLong()));
        // The refund completes asynchronously, as in production: the answer says PROCESSING, a notification follows.
        notifier.send(json.path("notify_url").asString(transaction.notifyUrl), "REFUND.SUCCESS", "refund", refund,
                new PayNotifier.Options(1, false, false, null)).subscribe();
        return Mono.just(answer(200, Map.of("refund_id", refundId, "out_refund_no", json.path("out_refund_no").asString(),
                "out_trade_no", transaction.outTradeNo, "status", "PROCESSING")));
    }

    /** Empty when the request is signed by the merchant; otherwise the 401 WeChat Pay sends. */
    private Optional<ResponseEntity<String>> verified(ServerHttpRequest request, String authorization, String body) {
        if (!merchantKey.present()) {
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
        if (!merchantKey.signed(message, auth.signature())) {
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
}
