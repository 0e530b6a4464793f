"""WeChat web sign-in for scripts, against the local stack: /auth/wechat -> the sandbox's authorize page (which plays
WeChat and takes `sandbox_openid`) -> our callback -> a session cookie. Then JSON calls as that user, with the CSRF
header state-changing calls need. Python's standard library only."""
import json
import urllib.error
import urllib.parse
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as answer:  # 3xx and 4xx arrive here without redirect handling
        return answer.code, answer.headers, answer.read().decode()


def _cookie(headers, name):
    for header in headers.get_all("Set-Cookie") or []:
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


class WechatSession:
    """A browser signed in as `openid` at `base` (the gateway or the order-service itself)."""

    def __init__(self, base, openid):
        self.base = base
        self.openid = openid
        status, headers, _ = _get(f"{base}/auth/wechat?next=/shop/")
        state_cookie = "WXAI_SIGNIN=" + _cookie(headers, "WXAI_SIGNIN")
        authorize = headers["Location"].split("#", 1)[0] + "&sandbox_openid=" + urllib.parse.quote(openid)
        status, headers, _ = _get(authorize)
        status, headers, body = _get(headers["Location"], state_cookie)
        if status != 302:
            raise RuntimeError(f"sign-in refused: {status} {body}")
        self.session = _cookie(headers, "WXAI_SESSION")
        _, headers, _ = _get(f"{base}/api/me", self._cookies())
        self.csrf = _cookie(headers, "XSRF-TOKEN")

    def _cookies(self):
        cookies = f"WXAI_SESSION={self.session}"
        return cookies + (f"; XSRF-TOKEN={self.csrf}" if getattr(self, "csrf", None) else "")

    def http(self, method, path, body=None, timeout=30):
        headers = {"Content-Type": "application/json", "Cookie": self._cookies()}
        if method != "GET" and self.csrf:
            headers["X-XSRF-TOKEN"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode() or "null")
