package dev.wxai.sandbox.wechat;

import java.net.URI;
import java.util.Map;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.HtmlUtils;

/**
 * The two pages the authorize URL can show in a browser: who signs in (a sandbox-only question: inside WeChat the
 * client knows the user), and WeChat's refusal. Chinese first, English after, like the rest of the sandbox.
 */
final class AuthorizePages {

    private static final String STYLE = """
            body{margin:0;background:#ededed;color:#191919;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
            main{max-width:420px;margin:40px auto;padding:24px;background:#fff;border-radius:12px}
            h1{font-size:18px;margin:0 0 12px}
            .hint{font-size:12px;color:#888;overflow-wrap:anywhere}
            .error{color:#fa5151}
            label{display:block;margin:16px 0 6px}
            input{box-sizing:border-box;width:100%;padding:9px;font:13px ui-monospace,monospace;border:1px solid #ccc;border-radius:6px}
            button{width:100%;margin-top:16px;padding:11px;font:inherit;font-size:16px;color:#fff;background:#07c160;border:1px solid #07c160;border-radius:8px;cursor:pointer}
            """;

    private AuthorizePages() {
    }

    /**
     * Asks which WeChat user signs in. The form comes back to the same URL with every original parameter and
     * {@code sandbox_openid} (relative action: it works behind a port-forward or a path prefix too).
     */
    static String signIn(MultiValueMap<String, String> query, AuthorizeRequest request, String suggestedOpenid) {
        StringBuilder hidden = new StringBuilder();
        for (Map.Entry<String, java.util.List<String>> parameter : query.entrySet()) {
            if (parameter.getKey().equals(WebAuthorizationController.OPENID_PARAMETER)) {
                continue;
            }
            for (String value : parameter.getValue()) {
                hidden.append("<input type=\"hidden\" name=\"").append(escape(parameter.getKey()))
                        .append("\" value=\"").append(escape(value == null ? "" : value)).append("\">\n");
            }
        }
        String site = URI.create(request.redirectUri()).getAuthority();
        return """
                <!doctype html>
                <html lang="zh-CN">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>模拟微信授权 · sandbox WeChat sign-in</title>
                <style>%s</style>
                </head>
                <body>
                <main>
                <h1>模拟微信授权 · sandbox WeChat sign-in</h1>
                <p><strong>%s</strong> 请求获取你的微信身份 · asks who you are on WeChat</p>
                <p class="hint">appid %s · scope %s</p>
                <form id="sandbox-signin-form" method="get" action="authorize">
                %s<label for="sandbox-openid">以此 openid 登录 · sign in as this openid</label>
                <input id="sandbox-openid" name="%s" value="%s" required pattern="[A-Za-z0-9_\\-]{16,64}" spellcheck="false" autocomplete="off">
                <button id="sandbox-signin" type="submit">确认登录 · Sign in</button>
                </form>
                <p class="hint">只有沙盒会问：在微信里，微信本来就知道你是谁。沙盒聊天页的「会员」按钮以聊天中的用户静默登录。
                · Only the sandbox asks: inside WeChat the client knows the user. The chat page's 会员 button signs in as its user without asking.</p>
                </main>
                </body>
                </html>
                """.formatted(STYLE, escape(site), escape(request.appid()), escape(request.scope()), hidden,
                WebAuthorizationController.OPENID_PARAMETER, escape(suggestedOpenid));
    }

    static String refused(AuthorizeRequest.Refusal refusal) {
        return """
                <!doctype html>
                <html lang="zh-CN">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>授权失败 · sign-in refused</title>
                <style>%s</style>
                </head>
                <body>
                <main>
                <h1>Oops! 出错了 · something went wrong</h1>
                <p id="error" class="error" data-errcode="%s">%s</p>
                <p class="hint">模拟微信授权 · sandbox WeChat sign-in</p>
                </main>
                </body>
                </html>
                """.formatted(STYLE, refusal.errcode() == null ? "" : refusal.errcode(), escape(refusal.message()));
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text, "UTF-8");
    }
}
