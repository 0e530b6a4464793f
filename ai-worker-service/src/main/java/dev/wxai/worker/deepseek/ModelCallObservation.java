package dev.wxai.worker.deepseek;

import io.micrometer.core.instrument.binder.http.Outcome;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.util.context.ContextView;

/**
 * The span and timer of one model call, as Spring's WebClient made them before the call moved to Reactor Netty
 * directly: observation {@code http.client.requests} with WebClient's tags ({@code method}, {@code uri},
 * {@code status}, {@code client.name}, {@code exception}, {@code outcome}), so that the worker's
 * {@code http_client_requests_seconds} keeps one set of tag keys with the order-service calls WebClient still makes;
 * a span named {@code http post}, the child of the record's span found in the Reactor context; and the trace's
 * {@code traceparent} written into the request headers, so that one message is one trace up to the model.
 */
final class ModelCallObservation {

    static final String PATH = "/chat/completions";
    private static final String NAME = "http.client.requests";

    private final ObservationRegistry registry;
    private final String clientName;

    ModelCallObservation(ObservationRegistry registry, String baseUrl) {
        this.registry = registry;
        String host = URI.create(baseUrl).getHost();
        this.clientName = host == null ? "none" : host;
    }

    /** Starts the call's observation; the tracing handler writes the trace headers into {@code headers}. */
    Call start(ContextView context, HttpHeaders headers) {
        SenderContext<HttpHeaders> sender = new SenderContext<>((carrier, key, value) -> carrier.set(key, value), Kind.CLIENT);
        sender.setCarrier(headers);
        sender.setRemoteServiceName(clientName);
        return new Call(Observation.createNotStarted(NAME, () -> sender, registry)
                .contextualName("http post")
                .parentObservation(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
                .lowCardinalityKeyValue("method", "POST")
                .lowCardinalityKeyValue("uri", PATH)
                .lowCardinalityKeyValue("client.name", clientName)
                .start());
    }

    /**
     * One call's observation, stopped by the first of its outcomes and only once: it stops when the answer arrives,
     * not after the worker has read it, so the timer is the provider's time; a cancel (the exchange's time-out on a
     * timer thread) can race the answer on an I/O thread.
     */
    static final class Call {

        private final Observation observation;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private Call(Observation observation) {
            this.observation = observation;
        }

        /** The provider answered with {@code status}. */
        void answered(int status) {
            stop(String.valueOf(status), Outcome.forStatus(status), "none", null);
        }

        /** No answer: refused connection, time-out, a connection closed mid-answer. */
        void failed(Throwable error) {
            stop("CLIENT_ERROR", Outcome.UNKNOWN, error.getClass().getSimpleName(), error);
        }

        /**
         * Ended without an answer or error: cancelled by the exchange's time-out or the worker shutting down. Tagged
         * as WebClient tags a cancelled call; a no-op once the call has been answered or has failed.
         */
        void unanswered() {
            stop("CLIENT_ERROR", Outcome.UNKNOWN, "none", null);
        }

        private void stop(String status, Outcome outcome, String exception, Throwable error) {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            observation.lowCardinalityKeyValue("status", status)
                    .lowCardinalityKeyValue(outcome.asKeyValue())
                    .lowCardinalityKeyValue("exception", exception);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }
}
