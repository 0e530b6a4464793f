package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads back what the sandbox, playing WeChat and DeepSeek, received from our services; scripts its faults. */
public final class SandboxClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;

    public SandboxClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public JsonNode received(String openid) {
        String query = openid == null ? "" : "?openid=" + openid;
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/received" + query)).GET()));
    }

    /** The "typing" commands WeChat took for this user, in order. */
    public List<JsonNode> typing(String openid) {
        return StreamSupport.stream(received(openid).path("typing").spliterator(), false).toList();
    }

    /** The custom menu as the last successful {@code menu/create} sent it; null before any. */
    public JsonNode menu() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/menu"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 404 ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Customer-service messages WeChat accepted (errcode 0) for this user. */
    public List<JsonNode> successfulReplies(String openid) {
        return StreamSupport.stream(received(openid).path("customMessages").spliterator(), false)
                .filter(message -> message.path("errcode").asInt() == 0)
                .toList();
    }

    /** What the model answered (successfully) to this exact user message. */
    public String modelAnswerTo(String question) {
        return StreamSupport.stream(received(null).path("modelCalls").spliterator(), false)
                .filter(call -> question.equals(call.path("lastUserMessage").asString()))
                .filter(call -> call.path("status").asInt() == 200)
                .map(call -> call.path("answer").asString())
                .findFirst()
                .orElseThrow(() -> new AssertionError("the model was never asked: " + question));
    }

    public int tokenFetches() {
        return received(null).path("tokenFetches").asInt();
    }

    public void fault(String target, int code, int times) {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"target\":\"" + target + "\",\"code\":" + code + ",\"times\":" + times + "}")));
    }

    public void modelLatency(Duration latency) {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/model"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"latencyMs\":" + latency.toMillis() + "}")));
    }

    /** Every model call the sandbox answered, in order. */
    public List<JsonNode> modelCalls() {
        return StreamSupport.stream(received(null).path("modelCalls").spliterator(), false).toList();
    }

    /** Model calls whose last user message was exactly this text. */
    public List<JsonNode> modelCallsFor(String question) {
        return modelCalls().stream().filter(call -> question.equals(call.path("lastUserMessage").asString())).toList();
    }

    /** A refund made in the merchant console: the sandbox notifies our service; answers its out_refund_no. */
    public String consoleRefund(String outTradeNo, long amountFen) {
        String answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/pay/refunds"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        java.util.Map.of("outTradeNo", outTradeNo, "amountFen", amountFen)))));
        String outRefundNo = JSON.readTree(answer).path("outRefundNo").asString("");
        if (outRefundNo.isBlank()) {
            throw new AssertionError("the sandbox refused the console refund: " + answer);
        }
        return outRefundNo;
    }

    /** The next refund completes at WeChat Pay, but its notification never reaches us. */
    public void loseNextRefundNotification() {
        fault("refund-notify", 0, 1);
    }

    /**
     * Trade bills from now on leave out {@code drop}, show {@code alter}'s amounts, add {@code extra} payments, and, with
     * {@code badHash}, name a hash that does not match the file. Answers the extra payments' transaction ids.
     */
    public List<String> billFaults(List<String> drop, java.util.Map<String, Long> alter, List<Extra> extra, boolean badHash) {
        String answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/pay/bill-faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(java.util.Map.of(
                        "drop", drop, "alter", alter, "extra", extra, "badHash", badHash)))));
        return StreamSupport.stream(JSON.readTree(answer).path("extraTransactionIds").spliterator(), false)
                .map(JsonNode::asString).toList();
    }

    public void clearBillFaults() {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/pay/bill-faults")).DELETE());
    }

    /** A payment the merchant never saw, for {@link #billFaults}. */
    public record Extra(String outTradeNo, long amountFen) {
    }

    /**
     * Has the sandbox deliver one signed message to the gateway as WeChat would (again after 5 s without an answer,
     * at once after a failure status, three deliveries in all); answers its report: {@code outcome} (answered or
     * failed), {@code deliveries[]} ({@code number, status, millis, failure}), {@code body}, {@code notice}.
     */
    public JsonNode deliverAsWechat(String signedQuery, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/chat/deliver?" + signedQuery))
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        try {
            // Three deliveries of up to 5 s each.
            return JSON.readTree(HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void forget() {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/received")).DELETE());
    }

    private static String send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
