package dev.wxai.common.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class Utf8ChunksPropertyTest {

    @Property
    void piecesFitAndJoinBackToTheText(@ForAll @StringLength(max = 3000) String text,
                                      @ForAll @IntRange(min = 4, max = 2048) int maxBytes) {
        String wellFormed = text.codePoints().filter(cp -> cp > 0xFFFF || !Character.isSurrogate((char) cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();

        List<String> pieces = Utf8Chunks.split(wellFormed, maxBytes);

        assertThat(String.join("", pieces)).isEqualTo(wellFormed);
        assertThat(pieces).allSatisfy(piece -> {
            assertThat(Utf8Chunks.byteLength(piece)).isLessThanOrEqualTo(maxBytes).isPositive();
            assertThat(Character.isLowSurrogate(piece.charAt(0))).isFalse();
        });
    }

    @Property
    void chineseTextIsCutOnCharacterBoundaries(@ForAll @IntRange(min = 4, max = 100) int maxBytes) {
        String text = "大语言模型是一种基于深度学习的人工智能模型".repeat(10);

        List<String> pieces = Utf8Chunks.split(text, maxBytes);

        assertThat(pieces).allSatisfy(piece -> assertThat(Utf8Chunks.byteLength(piece)).isLessThanOrEqualTo(maxBytes)
                .isEqualTo(piece.length() * 3));
    }
}
