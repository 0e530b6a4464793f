package dev.wxai.order.security;

import java.io.Serializable;

/**
 * A WeChat user signed in through web sign-in: the principal of every user call. The openid comes only from WeChat's
 * code exchange, kept in the session; no parameter, body or path ever sets it.
 */
public record WechatUser(String openid) implements Serializable {

    @Override
    public String toString() {
        return "WechatUser[openid=" + dev.wxai.common.log.Masking.openid(openid) + "]";
    }
}
