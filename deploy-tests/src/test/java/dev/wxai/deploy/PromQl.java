package dev.wxai.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Just enough PromQL reading to list the series selectors of an expression: each metric name with its label
 * matchers. Functions, aggregation operators with their {@code by}/{@code without} lists, vector-matching clauses,
 * strings, ranges and subqueries, numbers and Grafana variables ({@code $namespace}, {@code $__rate_interval}) are
 * skipped. A selector without a metric name ({@code {__name__=~"…"}}) is refused: it would hide which metrics a query
 * reads. Syntax is not validated here; promtool does that when installed.
 */
final class PromQl {

    /** One series selector: {@code name{label op "value", …}}. */
    record Selector(String metric, Map<String, String> matchers) {
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "start", "end");

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        List<Selector> selectors = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = skipTo(expr, i, ']') + 1;
            } else if (c == '#') {
                int end = expr.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '$') {
                i++;
                if (i < n && expr.charAt(i) == '{') {
                    i = skipTo(expr, i, '}') + 1;
                } else {
                    while (i < n && isIdentifierPart(expr.charAt(i))) {
                        i++;
                    }
                }
            } else if (c == '{') {
                throw new IllegalArgumentException("a selector without a metric name at " + i + " in: " + expr);
            } else if (Character.isDigit(c) || c == '.') {
                while (i < n && (isIdentifierPart(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (isIdentifierStart(c)) {
                int start = i;
                while (i < n && isIdentifierPart(expr.charAt(i))) {
                    i++;
                }
                String identifier = expr.substring(start, i);
                int next = skipSpace(expr, i);
                char following = next < n ? expr.charAt(next) : 0;
                if (LABEL_LISTS.contains(identifier)) {
                    if (following == '(') {
                        i = skipTo(expr, next, ')') + 1;
                    }
                } else if (KEYWORDS.contains(identifier) || AGGREGATIONS.contains(identifier) || following == '(') {
                    // an operator, a modifier or a function name
                } else {
                    Map<String, String> matchers = new LinkedHashMap<>();
                    if (following == '{') {
                        i = readMatchers(expr, next, matchers);
                    }
                    selectors.add(new Selector(identifier, matchers));
                }
            } else {
                i++;
            }
        }
        return selectors;
    }

    /** Reads {@code {a="x", b=~"y"}} from the opening brace; returns the index after the closing one. */
    private static int readMatchers(String expr, int open, Map<String, String> matchers) {
        int i = open + 1;
        int n = expr.length();
        while (true) {
            i = skipSpace(expr, i);
            if (i >= n) {
                throw new IllegalArgumentException("unclosed selector in: " + expr);
            }
            if (expr.charAt(i) == '}') {
                return i + 1;
            }
            int start = i;
            while (i < n && isIdentifierPart(expr.charAt(i))) {
                i++;
            }
            String label = expr.substring(start, i);
            if (label.isEmpty()) {
                throw new IllegalArgumentException("a label matcher without a label name at " + i + " in: " + expr);
            }
            i = skipSpace(expr, i);
            int operator = i;
            while (i < n && "=!~".indexOf(expr.charAt(i)) >= 0) {
                i++;
            }
            String op = expr.substring(operator, i);
            if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
                throw new IllegalArgumentException("label " + label + ": operator '" + op + "' in: " + expr);
            }
            i = skipSpace(expr, i);
            int valueStart = i;
            i = skipString(expr, i);
            if (matchers.put(label, op + expr.substring(valueStart, i)) != null) {
                throw new IllegalArgumentException("label " + label + " matched twice in: " + expr);
            }
            i = skipSpace(expr, i);
            if (i < n && expr.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** From an opening quote to after its closing one (backslash escapes in "…" and '…'). */
    private static int skipString(String expr, int open) {
        char quote = open < expr.length() ? expr.charAt(open) : 0;
        if (quote != '"' && quote != '\'' && quote != '`') {
            throw new IllegalArgumentException("expected a string at " + open + " in: " + expr);
        }
        int i = open + 1;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed string in: " + expr);
    }

    /** Index of the bracket closing the one at {@code open}, counting nesting and skipping strings. */
    private static int skipTo(String expr, int open, char close) {
        char opening = expr.charAt(open);
        int depth = 0;
        int i = open;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
                continue;
            }
            if (c == opening) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("no '" + close + "' closes position " + open + " in: " + expr);
    }

    private static int skipSpace(String expr, int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9';
    }
}
