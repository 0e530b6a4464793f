package dev.wxai.sandbox.chat;

import java.util.List;

/**
 * What became of one message WeChat delivered ({@code POST /sandbox/chat/deliver}): each delivery's status and time,
 * and either the answer that ended it or the notice WeChat shows the user after the last failure.
 *
 * @param outcome     {@code answered} (a delivery got HTTP 200) or {@code failed} (none did)
 * @param deliveries  every delivery made, in order
 * @param contentType the answer's content type, when answered
 * @param body        the answer's body ({@code success}, empty, or a passive reply's XML), when answered
 * @param notice      the system notice WeChat shows in the chat, when failed
 */
record DeliveryReport(String outcome, List<Attempt> deliveries, String contentType, String body, String notice) {

    static DeliveryReport answered(List<Attempt> deliveries, String contentType, String body) {
        return new DeliveryReport("answered", List.copyOf(deliveries), contentType, body, null);
    }

    static DeliveryReport failed(List<Attempt> deliveries, String notice) {
        return new DeliveryReport("failed", List.copyOf(deliveries), null, null, notice);
    }

    /**
     * @param number  1 for the first delivery
     * @param status  the HTTP status, 0 when none came (no answer within 5 s, or no connection)
     * @param millis  how long the delivery took
     * @param failure why it did not end the message, null when it did
     */
    record Attempt(int number, int status, long millis, String failure) {
    }
}
