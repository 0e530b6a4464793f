package dev.wxai.gateway.edge;

import dev.wxai.gateway.config.GatewayProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * CORS for {@code /api/**}, for the configured web origins only. A web filter rather than the gateway's route
 * configuration, because preflight requests ({@code OPTIONS}) match no route: the routes allow GET and POST only.
 */
@Configuration
class CorsConfig {

    @Bean
    CorsWebFilter corsWebFilter(GatewayProperties properties) {
        CorsConfiguration api = new CorsConfiguration();
        api.setAllowedOrigins(properties.webOrigins());
        api.setAllowedMethods(List.of("GET", "POST"));
        api.setAllowedHeaders(List.of("Content-Type", EdgeHeaders.REQUEST_ID));
        api.setExposedHeaders(List.of(EdgeHeaders.REQUEST_ID, "Retry-After"));
        api.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", api);
        return new CorsWebFilter(source);
    }
}
