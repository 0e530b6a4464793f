package dev.wxai.gateway.wechat;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A {@code /wechat} request as it goes to the ingress.
 *
 * @param pathAndQuery {@code /wechat} and the query string exactly as WeChat sent it (the signature covers it)
 * @param headers      every header the ingress gets: what {@link WechatRoute} decided to pass on
 * @param body         the whole body, at most {@link WechatRoute#MAX_BODY} bytes
 */
record IngressCall(HttpMethod method, String pathAndQuery, HttpHeaders headers, byte[] body) {
}
