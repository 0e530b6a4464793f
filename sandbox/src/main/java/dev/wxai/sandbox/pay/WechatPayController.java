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
import org.springframework.web.bind.annotation.RequestParam;
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
    private final TradeBills bills;

    WechatPayController(SandboxProperties properties, MerchantKey merchantKey, PayLedger ledger, PayNotifier notifier,
                        PlatformSigner signer, Faults faults, TradeBills bills) {
        this.bills = bills;
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
                .filter(transaction -> transaction.transactionId != null);
        if (paid.isEmpty()) {
            return Mono.just(failure(404, "RESOURCE_NOT_EXISTS", "订单不存在或未支付"));
        }
        PayLedger.Transaction transaction = paid.get();
        long amount = json.path("amount").path("refund").asLong(0);
        String outRefundNo = json.path("out_refund_no").asString("");
        if (amount <= 0 || json.path("amount").path("total").asLong(-1) != transaction.total || outRefundNo.isBlank()) {
            return Mono.just(failure(400, "PARAM_ERROR", "退款金额或订单金额错误"));
        }
        return ledger.refund(transaction, outRefundNo, amount)
                .map(refund -> {
                    Map<String, Object> processing = refund.json(); // as it stands before it completes
                    complete(refund, json.path("notify_url").asString(transaction.notifyUrl));
                    return answer(200, processing);
                })
                .map(Mono::just)
                .orElseGet(() -> Mono.just(failure(400, "NOT_ENOUGH", "订单可退金额不足")));
    }

    /**
     * The refund completes asynchronously, as in production: the answer says PROCESSING, then it succeeds and a
     * REFUND.SUCCESS notification follows, unless a {@code refund-notify} fault loses it.
     */
    void complete(PayLedger.Refund refund, String notifyUrl) {
        if (!"PROCESSING".equals(refund.status)) {
            return; // the same out_refund_no again: nothing new happens
        }
        refund.succeed();
        if (faults.next("refund-notify").isPresent()) {
            return;
        }
        notifier.send(notifyUrl, "REFUND.SUCCESS", "refund", refund.notification(), new PayNotifier.Options(1, false, false, null))
                .subscribe();
    }

    @GetMapping("/v3/refund/domestic/refunds/{outRefundNo}")
    ResponseEntity<String> queryRefund(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                       @PathVariable String outRefundNo) {
        return verified(request, authorization, "").orElseGet(() -> ledger.findRefund(outRefundNo)
                .map(refund -> answer(200, refund.json()))
                .orElseGet(() -> failure(404, "RESOURCE_NOT_EXISTS", "退款单不存在")));
    }

    /** The day's trade bill: where to download it (valid 5 minutes) and the SHA-1 of its bytes. */
    @GetMapping("/v3/bill/tradebill")
    ResponseEntity<String> tradeBill(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                     @RequestParam(name = "bill_date", required = false) String billDate) {
        return verified(request, authorization, "").orElseGet(() -> {
            java.time.LocalDate day;
            try {
                day = java.time.LocalDate.parse(billDate == null ? "" : billDate);
            } catch (java.time.format.DateTimeParseException e) {
                return failure(400, "PARAM_ERROR", "bill_date 格式错误");
            }
            return bills.issue(day, request.getURI())
                    .map(link -> answer(200, link))
                    .orElseGet(() -> failure(400, "NO_STATEMENT_EXIST", "账单文件不存在"));
        });
    }

    /** The bill file itself: the request is signed like every other, the answer is not (WeChat Pay does not sign it). */
    @GetMapping("/v3/billdownload/file")
    ResponseEntity<?> downloadBill(ServerHttpRequest request, @RequestHeader(name = "Authorization", required = false) String authorization,
                                   @RequestParam(name = "token", required = false) String token) {
        Optional<ResponseEntity<String>> refused = verified(request, authorization, "");
        if (refused.isPresent()) {
            return refused.get();
        }
        return bills.download(token)
                .<ResponseEntity<?>>map(file -> ResponseEntity.ok().contentType(MediaType.parseMediaType("text/plain;charset=utf-8")).body(file))
                .orElseGet(() -> failure(400, "PARAM_ERROR", "token 无效或已过期"));
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
