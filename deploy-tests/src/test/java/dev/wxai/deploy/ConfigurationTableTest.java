package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README table parser that the compose and k8s checks rely on. */
class ConfigurationTableTest {

    @Test
    void readsFullNamesShorthandSuffixesAndTheirServices() {
        assertThat(ConfigurationTable.readers("WXAI_WECHAT_APPID"))
                .containsExactlyInAnyOrder("wechat-ingress-service", "ai-worker-service", "order-service", "sandbox");
        assertThat(ConfigurationTable.documents("WXAI_WORKER_SESSIONCHARS")).as("`_SESSIONCHARS`").isTrue();
        assertThat(ConfigurationTable.documents("RESILIENCE4J_RETRY_INSTANCES_DEEPSEEK_WAITDURATION"))
                .as("`…_WAITDURATION`").isTrue();
        assertThat(ConfigurationTable.readers("SERVER_PORT")).containsExactlyInAnyOrderElementsOf(Repo.SERVICE_MODULES);
        assertThat(ConfigurationTable.readers("WXAI_PAY_PUBLICKEYID")).contains("order-service", "sandbox");
        assertThat(ConfigurationTable.documents("WXAI_WORKER_SESSION")).isFalse();
    }

    @Test
    void shorthandNamesExpandFromTheFirstFullName() {
        assertThat(ConfigurationTable.names("| `WXAI_ORDER_SWEEPINTERVAL`, `_SWEEPBATCH` |"))
                .containsExactly("WXAI_ORDER_SWEEPINTERVAL", "WXAI_ORDER_SWEEPBATCH");
        assertThat(ConfigurationTable.names("`wxai.ingress.event-replies[KEY]`")).isEmpty();
    }
}
