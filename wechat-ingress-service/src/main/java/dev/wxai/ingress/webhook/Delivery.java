package dev.wxai.ingress.webhook;

/**
 * One verified, decoded delivery from WeChat.
 *
 * @param encrypted whether it came encrypted (compatible or safe mode): then the passive reply is encrypted too
 */
record Delivery(WechatMessage message, boolean encrypted) {
}
