package dev.wxai.order.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param tokens operators allowed on {@code /admin/**}, as {@code name:sha256hex(token)} pairs
 *               ({@code WXAI_ADMIN_TOKENS}, comma-separated). Only hashes are configured, so the configuration
 *               itself grants nothing to whoever reads it. None configured: the admin API refuses everyone.
 */
@Validated
@ConfigurationProperties("wxai.admin")
public record AdminProperties(List<String> tokens) {

    public AdminProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    @Override
    public String toString() {
        return "AdminProperties[" + tokens.size() + " tokens]";
    }
}
