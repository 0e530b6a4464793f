package dev.wxai.order.signin;

import dev.wxai.order.web.ApiException;
import org.springframework.http.HttpStatus;

/** Why a sign-in callback is refused; the message never carries the request URL (it holds the AppSecret). */
final class SignInException extends ApiException {

    private SignInException(HttpStatus status, String error, String message) {
        super(status, error, message);
    }

    static SignInException invalidState() {
        return new SignInException(HttpStatus.FORBIDDEN, "invalid_state",
                "this sign-in was not started in this browser, or took too long; start again at /auth/wechat");
    }

    static SignInException missingCode() {
        return new SignInException(HttpStatus.BAD_REQUEST, "missing_code", "WeChat sent no sign-in code");
    }

    static SignInException codeRejected(int errcode) {
        return new SignInException(HttpStatus.UNAUTHORIZED, "invalid_code",
                "WeChat refused the sign-in code (errcode " + errcode + "): it is unknown, expired or already used");
    }

    static SignInException refused(int errcode) {
        return new SignInException(HttpStatus.BAD_GATEWAY, "wechat_refused",
                "WeChat refused the sign-in (errcode " + errcode + ")");
    }

    static SignInException unavailable() {
        return new SignInException(HttpStatus.BAD_GATEWAY, "wechat_unavailable", "WeChat could not be asked; try again");
    }
}
