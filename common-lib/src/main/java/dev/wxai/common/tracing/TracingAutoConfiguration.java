package dev.wxai.common.tracing;

import io.micrometer.observation.ObservationFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Every service that puts common-lib on its classpath redacts URLs in its observations ({@link UrlRedaction}). */
@AutoConfiguration
public class TracingAutoConfiguration {

    @Bean
    ObservationFilter urlRedaction() {
        return new UrlRedaction();
    }
}
