package dev.wxai.order.pay;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the member page hands to {@code WeixinJSBridge.invoke('getBrandWCPayRequest', …)}, signed by the merchant
 * (SHA256withRSA over {@code appId\ntimeStamp\nnonceStr\npackage\n}); names and string types are WeChat's.
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791857
 */
public record JsapiPayParameters(String appId, String timeStamp, String nonceStr,
                                 @JsonProperty("package") String packageValue, String signType, String paySign) {
}
