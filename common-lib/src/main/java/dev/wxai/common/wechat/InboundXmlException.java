package dev.wxai.common.wechat;

/** A body that is not a WeChat message document; the message is safe to show to the caller. */
public class InboundXmlException extends RuntimeException {

    public InboundXmlException(String message) {
        super(message);
    }
}
