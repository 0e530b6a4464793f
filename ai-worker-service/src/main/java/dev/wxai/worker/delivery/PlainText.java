package dev.wxai.worker.delivery;

import java.util.regex.Pattern;

/**
 * Models answer in Markdown; WeChat shows text as it is. Turns the common Markdown forms into plain text a reader
 * would write by hand: headings and emphasis lose their marks, list items get bullets, links show their address.
 */
final class PlainText {

    private static final Pattern FENCE = Pattern.compile("(?m)^[ \\t]*```[^\\n]*\\n?");
    private static final Pattern HEADING = Pattern.compile("(?m)^[ \\t]{0,3}#{1,6}[ \\t]+");
    private static final Pattern BULLET = Pattern.compile("(?m)^([ \\t]*)[-*+][ \\t]+");
    private static final Pattern BOLD = Pattern.compile("(\\*\\*|__)(.+?)\\1");
    private static final Pattern ITALIC = Pattern.compile("(?<![*\\w])([*_])(?!\\s)(.+?)(?<!\\s)\\1(?![*\\w])");
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^]]*)]\\(([^)]+)\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^]]+)]\\(([^)]+)\\)");
    private static final Pattern RULE = Pattern.compile("(?m)^[ \\t]*([-*_])([ \\t]*\\1){2,}[ \\t]*$");
    private static final Pattern QUOTE = Pattern.compile("(?m)^[ \\t]*>[ \\t]?");
    private static final Pattern BLANK_RUNS = Pattern.compile("\\n{3,}");

    private PlainText() {
    }

    static String fromMarkdown(String markdown) {
        String text = FENCE.matcher(markdown).replaceAll("");
        text = RULE.matcher(text).replaceAll("");
        text = HEADING.matcher(text).replaceAll("");
        text = QUOTE.matcher(text).replaceAll("");
        text = BULLET.matcher(text).replaceAll("$1• ");
        text = IMAGE.matcher(text).replaceAll("$1");
        text = LINK.matcher(text).replaceAll("$1（$2）");
        text = BOLD.matcher(text).replaceAll("$2");
        text = ITALIC.matcher(text).replaceAll("$2");
        text = INLINE_CODE.matcher(text).replaceAll("$1");
        return BLANK_RUNS.matcher(text).replaceAll("\n\n").strip();
    }
}
