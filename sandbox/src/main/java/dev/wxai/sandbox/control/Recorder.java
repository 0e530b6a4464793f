package dev.wxai.sandbox.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Everything the outside world received from us, for tests and developers to read back. */
@Component
public class Recorder {

    private final ConcurrentLinkedQueue<CustomMessage> customMessages = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ModelCall> modelCalls = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tokenFetches = new AtomicInteger();
    private final AtomicInteger jsapiTickets = new AtomicInteger();
    private final ConcurrentLinkedQueue<Typing> typing = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicReference<Object> menu = new java.util.concurrent.atomic.AtomicReference<>();

    public void typing(Typing command) {
        typing.add(command);
    }

    /** The custom menu as the last successful {@code menu/create} set it. */
    public void menu(Object created) {
        menu.set(created);
    }

    public Object menu() {
        return menu.get();
    }

    public void customMessage(CustomMessage message) {
        customMessages.add(message);
    }

    public void modelCall(ModelCall call) {
        modelCalls.add(call);
    }

    public void tokenFetched() {
        tokenFetches.incrementAndGet();
    }

    /** A JS-SDK ticket was issued: the services should fetch one and share it, not one per page. */
    public void jsapiTicketIssued() {
        jsapiTickets.incrementAndGet();
    }

    public Map<String, Object> snapshot(String openid) {
        List<CustomMessage> messages = customMessages.stream()
                .filter(m -> openid == null || openid.equals(m.touser()))
                .toList();
        // Model calls carry a pseudonym, not the openid (as DeepSeek should see them), so they are not filtered.
        List<Typing> shown = typing.stream().filter(t -> openid == null || openid.equals(t.touser())).toList();
        return Map.of("customMessages", messages, "modelCalls", List.copyOf(modelCalls), "tokenFetches", tokenFetches.get(),
                "typing", shown);
    }

    /** Counts for load tests, cheap to ask for while thousands of messages arrive. */
    public Map<String, Object> stats(String openidPrefix) {
        List<CustomMessage> accepted = customMessages.stream()
                .filter(m -> m.errcode() == 0)
                .filter(m -> openidPrefix == null || (m.touser() != null && m.touser().startsWith(openidPrefix)))
                .toList();
        long users = accepted.stream().map(CustomMessage::touser).distinct().count();
        Map<String, Object> stats = new java.util.LinkedHashMap<>();
        stats.put("customMessages", accepted.size());
        stats.put("usersAnswered", users);
        stats.put("modelCalls", modelCalls.size());
        stats.put("jsapiTickets", jsapiTickets.get());
        stats.put("firstCustomMessageAt", accepted.stream().map(CustomMessage::at).min(Instant::compareTo).orElse(null));
        stats.put("lastCustomMessageAt", accepted.stream().map(CustomMessage::at).max(Instant::compareTo).orElse(null));
        return stats;
    }

    public void clear() {
        customMessages.clear();
        modelCalls.clear();
        typing.clear();
        tokenFetches.set(0);
        jsapiTickets.set(0);
    }

    /** A {@code message/custom/typing} command ({@code Typing} or {@code CancelTyping}) WeChat accepted. */
    public record Typing(String touser, String command, Instant at) {
    }

    /** A customer-service message as WeChat accepted it; {@code errcode} is what we answered. */
    public record CustomMessage(String touser, String msgtype, String content, int errcode, Instant at) {
    }

    /**
     * One {@code /chat/completions} request: {@code user} is the request's {@code user} field, {@code messageCount}
     * how many messages it sent (system prompt and history included), {@code status} what we answered and
     * {@code answer} the assistant's content when it succeeded.
     */
    public record ModelCall(String user, String model, String lastUserMessage, int messageCount, int status,
                            String answer, String traceparent, Instant at) {
    }
}
