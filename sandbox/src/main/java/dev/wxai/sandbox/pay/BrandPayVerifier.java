package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayCrypto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * What the WeChat client checks before it lets a user pay a {@code getBrandWCPayRequest}: the prepay_id is one WeChat
 * Pay issued for a JSAPI order of this appId, the order is still unpaid, and {@code paySign} is the merchant's signature
 * of {@code appId\ntimeStamp\nnonceStr\npackage\n} (signType {@code RSA}, API v3).
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791857
 */
@Component
class BrandPayVerifier {

    private static final String PACKAGE_PREFIX = "prepay_id=";
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");

    private final PayLedger ledger;
    private final MerchantKey merchantKey;

    BrandPayVerifier(PayLedger ledger, MerchantKey merchantKey) {
        this.ledger = ledger;
        this.merchantKey = merchantKey;
    }

    /** The transaction to pay, or why the WeChat client would refuse (Chinese first, English after). */
    Verdict verify(BrandPayRequest request) {
        List<String> missing = missing(request);
        if (!missing.isEmpty()) {
            return refused("缺少参数 · missing " + String.join(", ", missing));
        }
        if (!request.prepayPackage().startsWith(PACKAGE_PREFIX)) {
            return refused("package 须为 prepay_id=… · package must be prepay_id=…");
        }
        Optional<PayLedger.Transaction> found = ledger.findByPrepayId(request.prepayPackage().substring(PACKAGE_PREFIX.length()));
        if (found.isEmpty()) {
            return refused("prepay_id 无效 · WeChat Pay issued no such prepay_id");
        }
        PayLedger.Transaction transaction = found.get();
        if (!"JSAPI".equals(transaction.tradeType)) {
            return refused("该 prepay_id 不是 JSAPI 下单所得 · the prepay_id is of a " + transaction.tradeType + " order, not JSAPI");
        }
        if (!transaction.appid.equals(request.appId())) {
            return refused("appId 与下单时的 appid 不一致 · appId " + request.appId() + " is not the order's appid "
                    + transaction.appid);
        }
        if (!SECONDS.matcher(request.timeStamp()).matches()) {
            return refused("timeStamp 须为秒级时间戳 · timeStamp must be seconds since the epoch");
        }
        if (!"RSA".equals(request.signType())) {
            return refused("signType 须为 RSA · signType must be RSA (API v3)");
        }
        if (!merchantKey.present()) {
            return refused("沙盒没有商户公钥 · the sandbox has no merchant public key (wxai.sandbox.pay.merchant-public-key)");
        }
        String message = PayCrypto.message(request.appId(), request.timeStamp(), request.nonceStr(), request.prepayPackage());
        if (!merchantKey.signed(message, request.paySign())) {
            return refused("支付验证签名失败 · paySign is not the merchant's signature of appId, timeStamp, nonceStr and package");
        }
        return switch (transaction.state) {
            case "NOTPAY" -> new Verdict(transaction, null);
            case "CLOSED" -> refused("订单已关闭 · the order is closed");
            default -> refused("订单已支付 · the order is paid already");
        };
    }

    private static List<String> missing(BrandPayRequest request) {
        if (request == null) {
            return List.of("appId", "timeStamp", "nonceStr", "package", "signType", "paySign");
        }
        List<String> missing = new ArrayList<>();
        blank(request.appId(), "appId", missing);
        blank(request.timeStamp(), "timeStamp", missing);
        blank(request.nonceStr(), "nonceStr", missing);
        blank(request.prepayPackage(), "package", missing);
        blank(request.signType(), "signType", missing);
        blank(request.paySign(), "paySign", missing);
        return missing;
    }

    private static void blank(String value, String name, List<String> missing) {
        if (value == null || value.isBlank()) {
            missing.add(name);
        }
    }

    private static Verdict refused(String reason) {
        return new Verdict(null, reason);
    }

    /** @param transaction what to pay, when {@code refusal} is null */
    record Verdict(PayLedger.Transaction transaction, String refusal) {

        boolean payable() {
            return refusal == null;
        }
    }
}
