package dev.wxai.common.wechat;

/** A safe-mode body that does not open: forged, corrupted, or meant for another account. */
public class MessageCryptoException extends RuntimeException {

    public MessageCryptoException(String message) {
        super(message);
    }
}
