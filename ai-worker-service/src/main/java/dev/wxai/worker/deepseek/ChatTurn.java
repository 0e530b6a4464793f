package dev.wxai.worker.deepseek;

/** One earlier message of a conversation, {@code role} being {@code user} or {@code assistant}. */
public record ChatTurn(String role, String content) {
}
