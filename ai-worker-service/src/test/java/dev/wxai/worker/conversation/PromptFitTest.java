package dev.wxai.worker.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.worker.deepseek.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt cap leaves out the oldest turns first, and never starts the history with an answer. */
class PromptFitTest {

    private static final List<ChatTurn> HISTORY = List.of(
            new ChatTurn("user", "q1-" + "x".repeat(96)), new ChatTurn("assistant", "a1-" + "x".repeat(96)),
            new ChatTurn("user", "q2-" + "x".repeat(96)), new ChatTurn("assistant", "a2-" + "x".repeat(96)));

    @Test
    void everythingFitsUnderAGenerousCap() {
        assertThat(PromptFit.history("system", HISTORY, "question", 10_000)).isEqualTo(HISTORY);
    }

    @Test
    void theOldestTurnsGoFirstAndTheRestStartsWithAQuestion() {
        // Room for the system prompt, the question and three of the four turns: the oldest question goes, and with it
        // the answer that would now come first.
        List<ChatTurn> kept = PromptFit.history("s".repeat(100), HISTORY, "q".repeat(100), 100 + 100 + 300);

        assertThat(kept).containsExactlyElementsOf(HISTORY.subList(2, 4));
    }

    @Test
    void noRoomMeansNoHistory() {
        assertThat(PromptFit.history("s".repeat(100), HISTORY, "q".repeat(100), 150)).isEmpty();
    }
}
