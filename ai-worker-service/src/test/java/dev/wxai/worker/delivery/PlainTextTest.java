package dev.wxai.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainTextTest {

    @Test
    void markdownBecomesTextAReaderWouldWrite() {
        String markdown = """
                ## 什么是大语言模型

                大语言模型（**LLM**）是一种 *深度学习* 模型。

                - 训练：海量文本
                * 推理：`generate()`

                > 引用一句话

                ---
                详见 [课程介绍](https://example.com/course)。
                ```python
                print("hi")
                ```
                """;

        assertThat(PlainText.fromMarkdown(markdown)).isEqualTo("""
                什么是大语言模型

                大语言模型（LLM）是一种 深度学习 模型。

                • 训练：海量文本
                • 推理：generate()

                引用一句话

                详见 课程介绍（https://example.com/course）。
                print("hi")""");
    }

    @Test
    void plainTextStaysAsItIs() {
        String text = "2*3=6，a_b_c 不是强调。";
        assertThat(PlainText.fromMarkdown(text)).isEqualTo(text);
    }
}
