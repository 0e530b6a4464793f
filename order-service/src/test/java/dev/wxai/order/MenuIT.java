package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The custom menu: an operator publishes the configured one; WeChat (the sandbox) checks it as WeChat does. */
class MenuIT extends OrderServiceStack {

    @Test
    void anOperatorPublishesAValidMenuAndNobodyElseCan() {
        api.post().uri("/admin/wechat/menu").exchange().expectStatus().isUnauthorized();
        api.post().uri("/admin/wechat/menu").header("Authorization", "Bearer not-a-token").exchange().expectStatus().isUnauthorized();

        asOperator(api.post().uri("/admin/wechat/menu")).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.buttons").isEqualTo(3);

        // The sandbox took it only because it passed WeChat's rules (sizes, names, view URLs, click keys).
        JsonNode menu = SANDBOX_CLIENT.menu();
        assertThat(menu).isNotNull();
        JsonNode member = menu.path("button").get(0);
        assertThat(member.path("name").asString()).isEqualTo("会员");
        assertThat(member.path("type").asString()).isEqualTo("view");
        // Sign-in first, on our origin, so that the state cookie is ours before WeChat's authorize page.
        assertThat(member.path("url").asString()).isEqualTo(BASE_URL + "/auth/wechat?next=/shop/");
        assertThat(menu.path("button").get(1).path("key").asString()).isEqualTo("RESET_CHAT");
        assertThat(menu.path("button").get(1).has("url")).isFalse();
        assertThat(count("SELECT COUNT(*) AS n FROM admin_audit WHERE action = 'wechat.menu' AND outcome = 'accepted'"))
                .isGreaterThanOrEqualTo(1);
    }
}
