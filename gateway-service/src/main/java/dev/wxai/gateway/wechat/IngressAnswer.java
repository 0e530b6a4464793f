package dev.wxai.gateway.wechat;

import java.nio.charset.StandardCharsets;

/**
 * What goes back to WeChat: the ingress's status, content type and body unchanged, or one of the gateway's own
 * answers.
 *
 * @param contentType the header as the ingress sent it, null when it sent none
 */
record IngressAnswer(int status, String contentType, byte[] body) {

    static final byte[] NO_BODY = new byte[0];

    /** Over the body limit: refused before anything is forwarded. */
    static final IngressAnswer TOO_LARGE = new IngressAnswer(413, null, NO_BODY);

    /**
     * No ingress could be asked (circuit open, none ready, none reachable; given after a hold), or none answered in
     * time. A plain failure, never {@code success}: WeChat delivers the message again.
     */
    static final IngressAnswer UNAVAILABLE = new IngressAnswer(503, "text/plain;charset=UTF-8",
            "ingress unavailable".getBytes(StandardCharsets.UTF_8));
}
