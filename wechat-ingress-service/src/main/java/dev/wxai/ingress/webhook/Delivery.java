package dev.wxai.ingress.webhook;

/**
 * One verified, decoded delivery from WeChat.
 *
 * @param encrypted  whether it came encrypted (compatible or safe mode): then the passive reply is encrypted too
 * @param signature  the query's {@code signature}: with {@code bodyDigest}, what the replay check remembers
 * @param bodyDigest a SHA-256 of the raw body
 */
record Delivery(WechatMessage message, boolean encrypted, String signature, String bodyDigest) {
}
