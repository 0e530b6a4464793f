package dev.wxai.ingress.config;

import dev.wxai.common.wechat.MessageCrypto;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The account's message crypto, when an EncodingAESKey is configured (compatible and safe mode need one). */
@Component
public class SafeMode {

    private final MessageCrypto crypto;

    public SafeMode(WechatProperties wechat) {
        this.crypto = wechat.aesKey().isEmpty()
                ? null
                : new MessageCrypto(wechat.appId(), wechat.aesKey(), wechat.previousAesKey());
    }

    public Optional<MessageCrypto> crypto() {
        return Optional.ofNullable(crypto);
    }
}
