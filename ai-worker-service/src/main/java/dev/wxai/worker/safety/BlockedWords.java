package dev.wxai.worker.safety;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;

/**
 * An Aho–Corasick automaton over the blocked words: one pass over a text finds whether any of them occurs, in time
 * linear in the text whatever the number of words (a loop of {@code contains} would cost words × text). Latin letters
 * match case-insensitively. Immutable: a new list builds a new automaton.
 */
public final class BlockedWords {

    private static final BlockedWords NONE = new BlockedWords(List.of());

    /** Per state: its transitions, its failure link, and the length of the longest word ending here (0: none). */
    private final List<Map<Character, Integer>> next = new ArrayList<>();
    private final List<Integer> fail = new ArrayList<>();
    private final List<Integer> output = new ArrayList<>();
    private final int size;

    private BlockedWords(Collection<String> words) {
        newState();
        int count = 0;
        for (String word : words) {
            String normalized = normalize(word);
            if (normalized.isEmpty()) {
                continue;
            }
            count++;
            int state = 0;
            for (char c : normalized.toCharArray()) {
                Integer to = next.get(state).get(c);
                if (to == null) {
                    to = newState();
                    next.get(state).put(c, to);
                }
                state = to;
            }
            output.set(state, Math.max(output.get(state), normalized.length()));
        }
        size = count;
        linkFailures();
    }

    public static BlockedWords of(Collection<String> words) {
        return words.isEmpty() ? NONE : new BlockedWords(words);
    }

    public int size() {
        return size;
    }

    /** True when any blocked word occurs in {@code text}. */
    public boolean foundIn(String text) {
        if (size == 0 || text == null) {
            return false;
        }
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            while (state != 0 && !next.get(state).containsKey(c)) {
                state = fail.get(state);
            }
            state = next.get(state).getOrDefault(c, 0);
            if (output.get(state) > 0) {
                return true;
            }
        }
        return false;
    }

    private int newState() {
        next.add(new HashMap<>());
        fail.add(0);
        output.add(0);
        return next.size() - 1;
    }

    /** Breadth first: each state's failure link is the longest proper suffix that is also a path from the root. */
    private void linkFailures() {
        Queue<Integer> queue = new ArrayDeque<>(next.get(0).values());
        while (!queue.isEmpty()) {
            int state = queue.poll();
            for (Map.Entry<Character, Integer> edge : next.get(state).entrySet()) {
                char c = edge.getKey();
                int child = edge.getValue();
                int link = fail.get(state);
                while (link != 0 && !next.get(link).containsKey(c)) {
                    link = fail.get(link);
                }
                Integer target = next.get(link).get(c);
                int childFail = target != null && target != child ? target : 0;
                fail.set(child, childFail);
                // A word ending at the failure state also ends here ("盗版" inside "买盗版书").
                output.set(child, Math.max(output.get(child), output.get(childFail)));
                queue.add(child);
            }
        }
    }

    private static String normalize(String word) {
        return word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
    }
}
