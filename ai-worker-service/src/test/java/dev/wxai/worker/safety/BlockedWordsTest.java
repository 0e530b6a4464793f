package dev.wxai.worker.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Aho–Corasick matcher: any blocked word anywhere, overlapping ones included, Latin letters in any case. */
class BlockedWordsTest {

    @Test
    void findsAnyWordAnywhereAndNothingElse() {
        BlockedWords words = BlockedWords.of(List.of("盗版", "赌博网站", "VPN"));

        assertThat(words.foundIn("哪里能买盗版书")).isTrue();
        assertThat(words.foundIn("推荐一个赌博网站吧")).isTrue();
        assertThat(words.foundIn("怎么翻墙用 vpn")).isTrue();
        assertThat(words.foundIn("赌博是违法的")).isFalse(); // a prefix of a word is not the word
        assertThat(words.foundIn("正版课程")).isFalse();
        assertThat(words.foundIn("")).isFalse();
        assertThat(words.foundIn(null)).isFalse();
    }

    @Test
    void wordsInsideOtherWordsAndSharedPrefixesAreFoundThroughFailureLinks() {
        BlockedWords words = BlockedWords.of(List.of("abcd", "bc", "cde"));

        assertThat(words.foundIn("xxabcx")).isTrue();   // "bc", reached while following "abcd"
        assertThat(words.foundIn("xabcde")).isTrue();
        assertThat(words.foundIn("xabxcdx")).isFalse();
        assertThat(BlockedWords.of(List.of("he", "she", "his", "hers")).foundIn("ushers")).isTrue();
    }

    @Test
    void thousandsOfWordsCostOnePassOverTheText() {
        BlockedWords words = BlockedWords.of(IntStream.range(0, 5_000).mapToObj(i -> "禁" + i + "词").toList());

        assertThat(words.size()).isEqualTo(5_000);
        assertThat(words.foundIn("这句话里有禁4321词吗")).isTrue();
        assertThat(words.foundIn("这句话里有禁4321吗")).isFalse();
        assertThat(BlockedWords.of(List.of(" ", "")).size()).isZero();
    }
}
