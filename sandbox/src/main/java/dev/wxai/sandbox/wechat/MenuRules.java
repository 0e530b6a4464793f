package dev.wxai.sandbox.wechat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** WeChat's rules for a custom menu, with the errcodes it answers when one is broken. */
final class MenuRules {

    private MenuRules() {
    }

    /** The errcode of the first broken rule; empty when the menu is valid. */
    static Optional<Integer> problem(Map<String, Object> menu) {
        if (!(menu.get("button") instanceof List<?> buttons) || buttons.isEmpty() || buttons.size() > 3) {
            return Optional.of(40016); // invalid button size
        }
        for (Object button : buttons) {
            Optional<Integer> problem = button(button, 16, true);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> button(Object value, int maxNameBytes, boolean top) {
        if (!(value instanceof Map<?, ?> button)) {
            return Optional.of(40016);
        }
        if (!(button.get("name") instanceof String name) || name.isBlank()
                || name.getBytes(StandardCharsets.UTF_8).length > maxNameBytes) {
            return Optional.of(top ? 40018 : 40023); // invalid button name size / sub button name size
        }
        if (top && button.get("sub_button") instanceof List<?> subs && !subs.isEmpty()) {
            if (subs.size() > 5) {
                return Optional.of(40017); // invalid sub button size
            }
            for (Object sub : subs) {
                Optional<Integer> problem = button(sub, 60, false);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        Object type = button.get("type");
        if ("view".equals(type)) {
            return button.get("url") instanceof String url && (url.startsWith("https://") || url.startsWith("http://"))
                    && url.length() <= 1024 ? Optional.empty() : Optional.of(40055); // invalid button url domain
        }
        if ("click".equals(type)) {
            return button.get("key") instanceof String key && !key.isBlank() && key.getBytes(StandardCharsets.UTF_8).length <= 128
                    ? Optional.empty() : Optional.of(40019); // invalid button key size
        }
        return Optional.of(40054); // invalid sub button/button type
    }
}
