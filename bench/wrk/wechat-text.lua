-- wrk script: validly signed WeChat text messages (plaintext mode), each with a new MsgId and openid, so that
-- every request takes the full path (dedupe claim, Kafka publish, success) and no openid hits its rate limit.
-- The signature covers token, timestamp and nonce only, so one signed query serves the whole (short) run.
local token = os.getenv("WXAI_WECHAT_TOKEN") or "sandbox-token"
local timestamp = tostring(os.time())
local nonce = "1514711492"
local counter = 0

local function sha1_hex(text)
  local handle = io.popen("printf '%s' '" .. text .. "' | sha1sum")
  local result = handle:read("*a")
  handle:close()
  return string.sub(result, 1, 40)
end

local parts = { token, timestamp, nonce }
table.sort(parts)
local signature = sha1_hex(table.concat(parts))

-- Each run and thread gets its own id prefix. Not math.random: LuaJIT starts it from the same seed in every run,
-- so every run repeated the first one's MsgIds, which the ingress remembers for 5 minutes and answers as
-- duplicates without publishing them (the cheap path, not the one to measure).
local run = os.time() % 100000
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", string.format("%06d", run * 10 + threads))
end

request = function()
  counter = counter + 1
  local openid = string.format("oBenchGw%s%013d", id, counter)
  local msgid = string.format("%s%010d", id, counter)
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
