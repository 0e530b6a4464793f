package dev.wxai.ingress.webhook;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration
class WebhookRoutes {

    @Bean
    RouterFunction<ServerResponse> webhook(WebhookHandler handler) {
        return route(GET("/wechat"), handler::verifyUrl).andRoute(POST("/wechat"), handler::receive);
    }
}
