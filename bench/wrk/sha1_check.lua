-- Checks bench/wrk/sha1.lua against known vectors and sha1sum, then measures signatures per second on one thread
-- (the load generator's own cost per request). Run from anywhere: luajit bench/wrk/sha1_check.lua
local dir = (arg and arg[0] or ""):match("^(.*/)") or "./"
local sha1 = dofile(dir .. "sha1.lua")

local function sha1sum(s) -- the reference: sha1sum over a temporary file holding exactly s
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
  local p = assert(io.popen("sha1sum '" .. path .. "'"))
  local out = p:read("*a")
  p:close()
  os.remove(path)
  return out:sub(1, 40)
end

local failures = 0
local function check(name, input, known)
  local got, reference = sha1.hex(input), sha1sum(input)
  local ok = got == reference and (known == nil or got == known)
  if not ok then failures = failures + 1 end
  print(string.format("%-4s %-36s %s  sha1sum %s%s", ok and "ok" or "FAIL", name, got, reference,
      known and (" known " .. known) or ""))
end

-- The published FIPS 180 vectors (sha1sum and Python's hashlib agree). Beware of copies that garble them: the
-- 56-byte one is 84983e44…4aa1f951…, the million 'a' one ends …2bdbad27316534016f (40 digits).
check('""', "", "da39a3ee5e6b4b0d3255bfef95601890afd80709")
check('"abc"', "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")
check("56-byte abcdbcdecdef...", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
check("a million 'a'", string.rep("a", 1000000), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
local parts = { "sandbox-token", "1714000000", "123456789" }
table.sort(parts)
check("sorted sandbox-token,1714000000,...", table.concat(parts))

-- wechat() sorts the three itself; WeChat's worked example (common-lib test resources) and the sandbox token.
local function check_wechat(name, token, timestamp, nonce, known)
  local p = { token, timestamp, nonce }
  table.sort(p)
  local got, reference = sha1.wechat(token, timestamp, nonce), sha1sum(table.concat(p))
  local ok = got == reference and (known == nil or got == known)
  if not ok then failures = failures + 1 end
  print(string.format("%-4s %-36s %s  sha1sum %s", ok and "ok" or "FAIL", name, got, reference))
end
check_wechat("wechat(AAAAA, 1714036504, ...)", "AAAAA", "1714036504", "1514711492",
    "f464b24fc39322e44b38aa78f5edd27bd1441696")
check_wechat("wechat(sandbox-token, ...)", "sandbox-token", "1714000000", "123456789")

-- Every length from 0 to 200 bytes (all the padding cases: 55, 56, 63, 64, 119, 120, 128 …) against sha1sum.
local pattern = "The quick brown fox jumps over the lazy dog 0123456789 \0\1\2\255\254"
local bad = 0
for n = 0, 200 do
  local s = string.rep(pattern, 4):sub(1, n)
  if sha1.hex(s) ~= sha1sum(s) then
    bad = bad + 1
    print("FAIL length " .. n)
  end
end
failures = failures + bad
print(string.format("%-4s %-36s", bad == 0 and "ok" or "FAIL", "lengths 0..200 vs sha1sum"))

-- Throughput: one signature per request as wechat-text.lua makes it (fresh nonce, timestamp of the second).
local token, timestamp = "sandbox-token", tostring(os.time())
local count, sink = 0, 0
local started = os.clock()
local elapsed
repeat
  for _ = 1, 10000 do
    count = count + 1
    local signature = sha1.wechat(token, timestamp, string.format("%06d%010d", 123451, count))
    sink = sink + #signature
  end
  elapsed = os.clock() - started
until elapsed >= 2
print(string.format("%d signatures in %.2f s CPU: %.0f signatures/s on one thread", count, elapsed, count / elapsed))

if failures > 0 then
  print(failures .. " check(s) failed")
  os.exit(1)
end
print("all checks passed")
