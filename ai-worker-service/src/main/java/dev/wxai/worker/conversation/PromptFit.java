package dev.wxai.worker.conversation;

import dev.wxai.worker.deepseek.ChatTurn;
import java.util.List;

/**
 * Keeps the whole prompt (system prompt, the conversation so far, the question) under a number of characters: the
 * oldest turns are left out first, so the model always sees the question and the most recent context. A cost cap,
 * not a token count: characters are what a user's message is measured in here.
 */
public final class PromptFit {

    private PromptFit() {
    }

    public static List<ChatTurn> history(String systemPrompt, List<ChatTurn> history, String question, int maxChars) {
        int budget = maxChars - systemPrompt.length() - question.length();
        int from = history.size();
        int used = 0;
        while (from > 0 && used + history.get(from - 1).content().length() <= budget) {
            used += history.get(from - 1).content().length();
            from--;
        }
        // Never begin with the assistant's half of a turn: the model would read an answer to no question.
        while (from < history.size() && !"user".equals(history.get(from).role())) {
            from++;
        }
        return history.subList(from, history.size());
    }
}
