package dev.wxai.sandbox.pay;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The parameters a page hands {@code WeixinJSBridge.invoke('getBrandWCPayRequest', …)}, as the merchant's server made
 * them: {@code package} is {@code prepay_id=…} and {@code paySign} the merchant's SHA256withRSA signature of
 * {@code appId\ntimeStamp\nnonceStr\npackage\n}. https://pay.weixin.qq.com/doc/v3/merchant/4012791857
 */
record BrandPayRequest(String appId, String timeStamp, String nonceStr,
                       @JsonProperty("package") String prepayPackage, String signType, String paySign) {
}
