package dev.wxai.loadtool;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/** An in-process target for the load tool's tests, answering each request (with its body) as told. */
public final class TestServer implements AutoCloseable {

    private final DisposableServer server;

    private TestServer(BiFunction<HttpServerRequest, String, Mono<Answer>> handler) {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> handler.apply(request, body))
                        .flatMap(answer -> {
                            answer.headers().forEach(response::addHeader);
                            return response.status(answer.status()).sendString(Mono.just(answer.body())).then();
                        }))
                .bindNow();
    }

    /** Answers {@code success} to everything, after {@code delay} (without holding an event loop). */
    public static TestServer answeringAfter(Duration delay) {
        return new TestServer((request, body) -> Mono.delay(delay).thenReturn(Answer.ok()));
    }

    /** Answers as {@code handler} decides. */
    public static TestServer answering(BiFunction<HttpServerRequest, String, Mono<Answer>> handler) {
        return new TestServer(handler);
    }

    /** Accepts connections and requests and never answers: a hung target. */
    public static TestServer neverAnswering() {
        return new TestServer((request, body) -> Mono.never());
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(2));
    }

    public record Answer(HttpResponseStatus status, String body, Map<String, String> headers) {

        public Answer(HttpResponseStatus status, String body) {
            this(status, body, Map.of());
        }

        /** A 302 to {@code location}, setting {@code cookie} when not null. */
        public static Answer redirect(String location, String cookie) {
            return new Answer(HttpResponseStatus.FOUND, "", cookie == null ? Map.of("Location", location)
                    : Map.of("Location", location, "Set-Cookie", cookie + "; Path=/; HttpOnly"));
        }

        public static Answer ok() {
            return new Answer(HttpResponseStatus.OK, "success");
        }

        public static Answer refused(String why) {
            return new Answer(HttpResponseStatus.FORBIDDEN, why);
        }
    }
}
