package dev.wxai.order.web;

/** Every refusal of the API: {@code {"error": code, "message": text}}; the code is for programs, the message for people. */
public record ApiError(String error, String message) {
}
