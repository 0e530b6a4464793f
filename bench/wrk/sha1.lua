-- Pure-Lua SHA-1 for wrk's LuaJIT (needs LuaJIT's `bit` library), so that the benchmark can sign every request
-- the way WeChat does (a fresh nonce and the current timestamp each time) without shelling out to sha1sum.
-- Checked against sha1sum by bench/wrk/sha1_check.lua (luajit bench/wrk/sha1_check.lua), which also prints how
-- many signatures per second one thread makes.
--   local sha1 = dofile("bench/wrk/sha1.lua")
--   sha1.hex("abc")                               --> "a9993e364706816aba3e25717850c26c9cd0d89d"
--   sha1.wechat(token, timestamp, nonce)           --> sha1 of the sorted concatenation (WeChat's URL signature)
local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local lshift, rshift, rol, tohex, tobit = bit.lshift, bit.rshift, bit.rol, bit.tohex, bit.tobit
local byte, sub, rep, char, floor = string.byte, string.sub, string.rep, string.char, math.floor

-- The message schedule, allocated once and reused by every block (no table garbage per call).
local W = {}
for i = 0, 79 do W[i] = 0 end

local h0, h1, h2, h3, h4

-- Compresses the 64 bytes of s that start after byte offset off (0-based) into h0..h4.
local function block(s, off)
  for i = 0, 15 do
    local a, b, c, d = byte(s, off + 1, off + 4)
    W[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    off = off + 4
  end
  for i = 16, 79 do
    W[i] = rol(bxor(W[i - 3], W[i - 8], W[i - 14], W[i - 16]), 1)
  end
  local a, b, c, d, e = h0, h1, h2, h3, h4
  -- The sums stay far below 2^53 as doubles; tobit brings them back to 32 bits (mod 2^32).
  for i = 0, 19 do
    local t = tobit(rol(a, 5) + bxor(d, band(b, bxor(c, d))) + e + 0x5A827999 + W[i])
    e, d, c, b, a = d, c, rol(b, 30), a, t
  end
  for i = 20, 39 do
    local t = tobit(rol(a, 5) + bxor(b, c, d) + e + 0x6ED9EBA1 + W[i])
    e, d, c, b, a = d, c, rol(b, 30), a, t
  end
  for i = 40, 59 do
    local t = tobit(rol(a, 5) + bor(band(b, c), band(d, bor(b, c))) + e + 0x8F1BBCDC + W[i])
    e, d, c, b, a = d, c, rol(b, 30), a, t
  end
  for i = 60, 79 do
    local t = tobit(rol(a, 5) + bxor(b, c, d) + e + 0xCA62C1D6 + W[i])
    e, d, c, b, a = d, c, rol(b, 30), a, t
  end
  h0, h1, h2, h3, h4 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d), tobit(h4 + e)
end

local function be32(x) -- the four bytes of a 32-bit value, big-endian
  return char(band(rshift(x, 24), 255), band(rshift(x, 16), 255), band(rshift(x, 8), 255), band(x, 255))
end

-- SHA-1 of the byte string s, as 40 lowercase hex digits.
local function hex(s)
  h0, h1, h2, h3, h4 = 0x67452301, tobit(0xEFCDAB89), tobit(0x98BADCFE), 0x10325476, tobit(0xC3D2E1F0)
  local n = #s
  local full = n - n % 64
  for off = 0, full - 64, 64 do
    block(s, off)
  end
  -- The last partial block, 0x80, zeros and the length in bits (64-bit big-endian): one or two blocks.
  local rest = n - full
  local bits = n * 8
  local tail = sub(s, full + 1) .. "\128" .. rep("\0", rest < 56 and 55 - rest or 119 - rest) ..
      be32(floor(bits / 4294967296)) .. be32(bits % 4294967296)
  block(tail, 0)
  if #tail == 128 then
    block(tail, 64)
  end
  return tohex(h0) .. tohex(h1) .. tohex(h2) .. tohex(h3) .. tohex(h4)
end

-- WeChat's URL signature: sha1 of token, timestamp and nonce sorted (byte order, as Java's String sort for ASCII)
-- and concatenated. Sorts the three without a table.
local function wechat(token, timestamp, nonce)
  local a, b, c = token, timestamp, nonce
  if b < a then a, b = b, a end
  if c < b then b, c = c, b end
  if b < a then a, b = b, a end
  return hex(a .. b .. c)
end

return { hex = hex, wechat = wechat }
