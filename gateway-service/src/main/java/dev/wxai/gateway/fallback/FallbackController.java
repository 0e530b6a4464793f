package dev.wxai.gateway.fallback;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Fast answers of Spring Cloud Gateway's routes while an upstream's circuit is open or it cannot be reached: API
 * clients and WeChat Pay get a 503 they understand. ({@code /wechat} answers its own, see
 * {@code wechat.WechatRoute}.)
 */
@RestController
@RequestMapping("/fallback")
class FallbackController {

    @RequestMapping("/api")
    Mono<ResponseEntity<Map<String, String>>> api() {
        return Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("error", "upstream_unavailable", "message", "the service is unavailable; try again shortly")));
    }

    /** WeChat Pay's failure format: it retries the notification later. */
    @RequestMapping("/pay")
    Mono<ResponseEntity<Map<String, String>>> pay() {
        return Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("code", "FAIL", "message", "temporarily unavailable")));
    }
}
