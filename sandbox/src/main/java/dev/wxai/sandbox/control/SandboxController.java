package dev.wxai.sandbox.control;

import dev.wxai.sandbox.deepseek.ModelBehaviour;
import java.time.Duration;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sandbox's own control surface: read back what it received, script failures, change the model's speed.
 * Nothing here exists on the real services.
 */
@RestController
@RequestMapping("/sandbox")
class SandboxController {

    private final Recorder recorder;
    private final Faults faults;
    private final ModelBehaviour model;

    SandboxController(Recorder recorder, Faults faults, ModelBehaviour model) {
        this.recorder = recorder;
        this.faults = faults;
        this.model = model;
    }

    @GetMapping("/received")
    Map<String, Object> received(@RequestParam(required = false) String openid) {
        return recorder.snapshot(openid);
    }

    /**
     * Counts of accepted customer-service messages, optionally only for openids with a prefix (one load run), of model
     * calls, and of JS-SDK tickets issued ({@code jsapiTickets}).
     */
    @GetMapping("/stats")
    Map<String, Object> stats(@RequestParam(required = false) String openidPrefix) {
        return recorder.stats(openidPrefix);
    }

    /** The custom menu the last successful {@code cgi-bin/menu/create} set, as it was sent; 404 before any. */
    @GetMapping("/menu")
    org.springframework.http.ResponseEntity<Object> menu() {
        Object menu = recorder.menu();
        return menu == null ? org.springframework.http.ResponseEntity.notFound().build()
                : org.springframework.http.ResponseEntity.ok(menu);
    }

    @DeleteMapping("/received")
    void forget() {
        recorder.clear();
        faults.clear();
    }

    /** {@code {"target":"chat","code":503,"times":2}} */
    @PostMapping("/faults")
    Map<String, Integer> fault(@RequestBody FaultRequest request) {
        faults.queue(request.target(), request.code(), request.times() == null ? 1 : request.times());
        return faults.pending();
    }

    /** {@code {"latencyMs":3000,"leadingBlankLines":2,"failureRate":0.5,"failureStatus":503}} */
    @PostMapping("/model")
    Map<String, Object> model(@RequestBody ModelRequest request) {
        if (request.latencyMs() != null) {
            model.latency(Duration.ofMillis(request.latencyMs()));
        }
        if (request.leadingBlankLines() != null) {
            model.leadingBlankLines(request.leadingBlankLines());
        }
        if (request.failureRate() != null) {
            model.failing(request.failureRate(), request.failureStatus() == null ? 503 : request.failureStatus());
        }
        return Map.of("latencyMs", model.latency().toMillis(), "leadingBlankLines", model.leadingBlankLines(),
                "failureRate", model.failureRate());
    }

    record FaultRequest(String target, int code, Integer times) {
    }

    record ModelRequest(Long latencyMs, Integer leadingBlankLines, Double failureRate, Integer failureStatus) {
    }
}
