package dev.wxai.sandbox.control;

import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.stereotype.Component;

/**
 * Scripted failures, consumed one per request in the order they were queued: queue {@code 503, 503} for
 * {@code chat} and the next two model calls fail, the third succeeds. Targets: {@code chat},
 * {@code custom-send}, {@code custom-send-hold} (the next accepted customer-service message is answered this many
 * seconds late), {@code fallback-chat} (the {@code /fallback} provider), {@code stable-token}, {@code token}, {@code ticket} (JS-SDK ticket), {@code refund-notify} (the next refund completes but its notification is lost), {@code oauth} (web
 * authorization's code exchange), {@code pay-response}. For WeChat targets the code is an
 * {@code errcode}; for {@code chat} it is an HTTP status; for {@code pay-response} it is ignored: the next WeChat Pay
 * answer carries a forged signature.
 */
@Component
public class Faults {

    private final Map<String, Queue<Integer>> queues = new ConcurrentHashMap<>();

    public void queue(String target, int code, int times) {
        Queue<Integer> queue = queues.computeIfAbsent(target, t -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(code);
        }
    }

    public Optional<Integer> next(String target) {
        Queue<Integer> queue = queues.get(target);
        return Optional.ofNullable(queue == null ? null : queue.poll());
    }

    public Map<String, Integer> pending() {
        Map<String, Integer> pending = new ConcurrentHashMap<>();
        queues.forEach((target, queue) -> pending.put(target, queue.size()));
        return pending;
    }

    public void clear() {
        queues.clear();
    }
}
