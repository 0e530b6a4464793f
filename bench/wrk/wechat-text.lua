-- wrk script: validly signed WeChat text messages (plaintext mode), each with a new MsgId and openid, so that
-- every request takes the full path (dedupe claim, Kafka publish, success) and no openid hits its rate limit.
-- Each request is signed as WeChat signs each delivery: its own nonce and the current timestamp, with the
-- signature (sha1 of token, timestamp and nonce, sorted) computed in Lua by bench/wrk/sha1.lua. One signed query
-- must not be reused: the signature does not cover the body, so the ingress refuses a (signature, timestamp,
-- nonce) it has seen with another body as a replay. Signing costs wrk a few microseconds of CPU per request
-- (luajit bench/wrk/sha1_check.lua prints signatures per second).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "bench/wrk/" -- wrk loads the script by its path
local sha1 = dofile(here .. "sha1.lua")
local token = os.getenv("WXAI_WECHAT_TOKEN") or "sandbox-token"
local counter = 0

-- Each run and thread gets its own id prefix. Not math.random: LuaJIT starts it from the same seed in every run,
-- so every run repeated the first one's MsgIds, which the ingress remembers for 5 minutes and answers as
-- duplicates without publishing them (the cheap path, not the one to measure). The nonces carry the same prefix,
-- so that no (timestamp, nonce) comes back in a later run or from another thread either.
local run = os.time() % 100000
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", string.format("%06d", run * 10 + threads))
end

request = function()
  counter = counter + 1
  local timestamp = tostring(os.time())
  local openid = string.format("oBenchGw%s%013d", id, counter)
  local msgid = string.format("%s%010d", id, counter)
  local nonce = msgid -- digits, unique per run, thread and request
  local signature = sha1.wechat(token, timestamp, nonce)
  local body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[" .. openid ..
      "]]></FromUserName><CreateTime>" .. timestamp .. "</CreateTime><MsgType><![CDATA[text]]></MsgType>" ..
      "<Content><![CDATA[bench]]></Content><MsgId>" .. msgid .. "</MsgId></xml>"
  local path = "/wechat?signature=" .. signature .. "&timestamp=" .. timestamp .. "&nonce=" .. nonce .. "&openid=" .. openid
  return wrk.format("POST", path, { ["Content-Type"] = "text/xml" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
      summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.errors.status, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
