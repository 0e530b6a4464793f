package dev.wxai.loadtool.notify;

import dev.wxai.loadtool.run.LoadRequest;
import dev.wxai.loadtool.run.Traffic;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;

/**
 * WeChat Pay notifications sealed and signed beforehand by the sandbox, one per order, sent in the order they were
 * signed (the oldest first: the order-service accepts a {@code Wechatpay-Timestamp} up to 5 minutes old).
 */
public final class PreparedNotifications implements Traffic {

    private final String url;
    private final List<Notification> notifications;

    /** @param url where to post them (one order-service instance, or the gateway), whatever URL they were signed for */
    public PreparedNotifications(String url, List<Notification> notifications) {
        this.url = url;
        this.notifications = List.copyOf(notifications);
    }

    @Override
    public LoadRequest request(long index) {
        if (index >= notifications.size()) {
            // Every notification is for its own order: sending one twice would measure the duplicate path.
            throw new IllegalStateException("only " + notifications.size() + " notifications were prepared");
        }
        Notification notification = notifications.get((int) index);
        return new LoadRequest(HttpMethod.POST, url, notification.headers(), notification.body());
    }

    public int size() {
        return notifications.size();
    }

    /** @param headers {@code Content-Type} and the {@code Wechatpay-*} signature headers */
    public record Notification(Map<String, String> headers, byte[] body) {
    }
}
