package dev.wxai.sandbox.pay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The WeChat client's side of JSAPI pay, for desktop browsers: {@code /sandbox/weixin-jsbridge.js} defines a
 * {@code WeixinJSBridge} whose {@code getBrandWCPayRequest} shows a pay sheet, and the sheet asks here what it shows and
 * pays through here. The user pays exactly as with the sandbox's "user pays" button (see {@link UserPayment}).
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791857
 *
 * <p>The member page lives on the gateway's origin, so the two {@code /sandbox/jsapi-pay} endpoints answer CORS for
 * any origin, without credentials (they need none: a prepay_id and the merchant's signature are the whole proof). The
 * script needs no CORS: a {@code <script src>} may come from anywhere.
 */
@RestController
class JsapiPayController {

    private static final Resource SCRIPT = new ClassPathResource("jsbridge/weixin-jsbridge.js");
    private static final MediaType JAVASCRIPT = MediaType.parseMediaType("application/javascript;charset=UTF-8");
    private static final String OK = "get_brand_wcpay_request:ok";
    private static final String FAIL = "get_brand_wcpay_request:fail";

    private final BrandPayVerifier verifier;
    private final UserPayment payment;

    JsapiPayController(BrandPayVerifier verifier, UserPayment payment) {
        this.verifier = verifier;
        this.payment = payment;
    }

    @GetMapping("/sandbox/weixin-jsbridge.js")
    ResponseEntity<Resource> script() {
        return ResponseEntity.ok().contentType(JAVASCRIPT).cacheControl(CacheControl.noCache()).body(SCRIPT);
    }

    /** What the pay sheet shows before the user confirms, or why the WeChat client would refuse to pay. */
    @CrossOrigin(origins = "*", maxAge = 600)
    @PostMapping("/sandbox/jsapi-pay/preview")
    PayPreview preview(@RequestBody(required = false) BrandPayRequest request) {
        BrandPayVerifier.Verdict verdict = verifier.verify(request);
        if (!verdict.payable()) {
            return new PayPreview(false, null, null, null, null, verdict.refusal());
        }
        PayLedger.Transaction transaction = verdict.transaction();
        return new PayPreview(true, transaction.description, transaction.total, "CNY", transaction.mchid, null);
    }

    /**
     * The user confirms: the same checks, then the transaction succeeds once and the merchant is notified; answers
     * what {@code getBrandWCPayRequest}'s callback receives, after the notification was delivered (or failed).
     */
    @CrossOrigin(origins = "*", maxAge = 600)
    @PostMapping("/sandbox/jsapi-pay")
    Mono<BrandPayResult> pay(@RequestBody(required = false) BrandPayRequest request) {
        BrandPayVerifier.Verdict verdict = verifier.verify(request);
        if (!verdict.payable()) {
            return Mono.just(new BrandPayResult(FAIL, verdict.refusal()));
        }
        // Two confirms racing (a double click, two tabs) pay once: the second finds the order paid.
        if (!verdict.transaction().succeedIfUnpaid()) {
            return Mono.just(new BrandPayResult(FAIL, "订单已支付 · the order is paid already"));
        }
        return payment.pay(verdict.transaction(), UserPayment.PayRequest.GENUINE)
                .thenReturn(new BrandPayResult(OK, null));
    }

    /** @param errDesc why it failed; absent on success, as from WeChat */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BrandPayResult(@JsonProperty("err_msg") String errMsg, @JsonProperty("err_desc") String errDesc) {
    }

    /**
     * @param payable     whether confirming would pay
     * @param total       the order's amount in fen
     * @param errDesc     why confirming would fail, when not payable
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PayPreview(boolean payable, String description, Long total, String currency, String mchid,
                      @JsonProperty("err_desc") String errDesc) {
    }
}
