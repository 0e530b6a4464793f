package dev.wxai.order.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The account's custom menu ({@code wxai.menu.buttons}), published by an operator with {@code POST
 * /admin/wechat/menu}: once server configuration is on, the menu of WeChat's admin console no longer applies.
 * Each button is {@code view} (a {@code url}), {@code click} (a {@code key} the ingress answers), or has
 * {@code sub-buttons}.
 */
@Validated
@ConfigurationProperties("wxai.menu")
public record MenuProperties(@Valid @Size(max = 3, message = "WeChat allows at most 3 menu buttons") List<Button> buttons) {

    public MenuProperties {
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
    }

    public record Button(@NotBlank String name, String type, String key, String url,
                         @Valid @Size(max = 5, message = "WeChat allows at most 5 sub-buttons") List<Button> subButtons) {

        public Button {
            subButtons = subButtons == null ? List.of() : List.copyOf(subButtons);
        }
    }
}
