package dev.wxai.worker.deepseek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeepSeekClientTest {

    private static final String COMPLETION = """
            {"id":"930c60df","object":"chat.completion","created":1732867202,"model":"deepseek-chat",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26}}""";

    @Test
    void readsTheAssistantContent() {
        assertThat(DeepSeekClient.content(COMPLETION)).isEqualTo("Hello! How can I help?");
    }

    @Test
    void skipsKeepAliveLinesBeforeTheJson() {
        assertThat(DeepSeekClient.content("\n\n: keep-alive\n\n" + COMPLETION)).isEqualTo("Hello! How can I help?");
    }

    @Test
    void refusesAnAnswerWithoutContent() {
        assertThatThrownBy(() -> DeepSeekClient.content("{\"choices\":[]}")).isInstanceOf(DeepSeekException.class);
        assertThatThrownBy(() -> DeepSeekClient.content("\n\n")).isInstanceOf(DeepSeekException.class);
        assertThatThrownBy(() -> DeepSeekClient.content("{\"choices\":")).isInstanceOf(DeepSeekException.class);
    }

    @Test
    void pseudonymIsStablePerUserAndHidesTheOpenid() {
        String openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
        assertThat(DeepSeekClient.pseudonym(openid))
                .isEqualTo(DeepSeekClient.pseudonym(openid))
                .isNotEqualTo(DeepSeekClient.pseudonym(openid + "x"))
                .doesNotContain(openid)
                .hasSize(32);
    }
}
