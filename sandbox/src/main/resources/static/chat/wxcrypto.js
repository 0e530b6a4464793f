// WeChat's request signatures and safe-mode encryption, in the browser, with WebCrypto only.
// The same scheme as common-lib's Signatures and MessageCrypto (the WXBizMsgCrypt scheme):
// https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
// WebCrypto exists only in secure contexts: open the page as http://127.0.0.1 or http://localhost (or https).
'use strict';

(function (global) {
  const WECHAT_BLOCK = 32; // WeChat pads to 32-byte blocks, not AES's 16
  const AES_BLOCK = 16;
  const RANDOM_BYTES = 16;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  function subtle() {
    if (!global.crypto || !global.crypto.subtle) {
      throw new Error('WebCrypto is unavailable: open the page on http://127.0.0.1 or http://localhost');
    }
    return global.crypto.subtle;
  }

  function toHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function toBase64(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return global.btoa(binary);
  }

  function fromBase64(text) {
    const binary = global.atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function sha1Hex(text) {
    return toHex(new Uint8Array(await subtle().digest('SHA-1', encoder.encode(text))));
  }

  /**
   * sha1(sort(parts).join('')) in lowercase hex: `signature` over token, timestamp, nonce; `msg_signature` adds the
   * Encrypt value. JavaScript's default sort compares UTF-16 code units, as Java's String.compareTo does.
   */
  function sign(...parts) {
    return sha1Hex(parts.slice().sort().join(''));
  }

  /** base64(EncodingAESKey + '='): 32 bytes, the AES-256 key; its first 16 bytes are the IV. */
  function keyBytes(encodingAesKey) {
    if (typeof encodingAesKey !== 'string' || encodingAesKey.length !== 43) {
      throw new Error('the EncodingAESKey must have 43 characters');
    }
    return fromBase64(encodingAesKey + '=');
  }

  async function importKey(raw) {
    return subtle().importKey('raw', raw, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
  }

  /** The Encrypt value for a message: AES-256-CBC over random(16) ‖ length(4, big-endian) ‖ xml ‖ appId, padded to 32. */
  async function encrypt(xml, appId, encodingAesKey, randomPrefix) {
    const raw = keyBytes(encodingAesKey);
    const key = await importKey(raw);
    const body = encoder.encode(xml);
    const app = encoder.encode(appId);
    const length = RANDOM_BYTES + 4 + body.length + app.length;
    const pad = WECHAT_BLOCK - (length % WECHAT_BLOCK);
    const plain = new Uint8Array(length + pad);
    if (randomPrefix) plain.set(randomPrefix.subarray(0, RANDOM_BYTES), 0);
    else global.crypto.getRandomValues(plain.subarray(0, RANDOM_BYTES));
    new DataView(plain.buffer).setUint32(RANDOM_BYTES, body.length, false);
    plain.set(body, RANDOM_BYTES + 4);
    plain.set(app, RANDOM_BYTES + 4 + body.length);
    plain.fill(pad, length);
    const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: raw.slice(0, AES_BLOCK) }, key, plain));
    // WebCrypto always adds PKCS#7 padding of its own: a whole extra block, since plain is a multiple of 16 already.
    // WeChat's padding is inside plain, and CBC's earlier blocks do not depend on later ones, so drop that block.
    return toBase64(sealed.subarray(0, plain.length));
  }

  /** The XML inside an Encrypt value; throws on a bad length, bad padding, a bad length field or another appId. */
  async function decrypt(encrypted, appId, encodingAesKey) {
    const raw = keyBytes(encodingAesKey);
    const key = await importKey(raw);
    const sealed = fromBase64(encrypted.trim());
    if (sealed.length === 0 || sealed.length % AES_BLOCK !== 0) {
      throw new Error('Encrypt has a length that AES cannot have produced');
    }
    // WebCrypto's decrypt insists on PKCS#7 padding to 16 bytes, which WeChat's padding to 32 does not always meet
    // (a pad of 17 to 32 bytes). So append one block that decrypts to sixteen 0x10 bytes, a valid padding WebCrypto
    // removes again. In CBC a block C decrypts to D(C) xor the block before it, so that block is E(0x10… xor last):
    // exactly the first block of encrypting 0x10… with the last ciphertext block as IV.
    const last = sealed.slice(sealed.length - AES_BLOCK);
    const filler = new Uint8Array(AES_BLOCK).fill(AES_BLOCK);
    const extra = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: last }, key, filler)).subarray(0, AES_BLOCK);
    const joined = new Uint8Array(sealed.length + AES_BLOCK);
    joined.set(sealed, 0);
    joined.set(extra, sealed.length);
    const plain = new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: raw.slice(0, AES_BLOCK) }, key, joined));
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > WECHAT_BLOCK || pad > plain.length) throw new Error('Encrypt has invalid padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new Error('Encrypt has invalid padding');
    }
    const content = plain.length - pad;
    if (content < RANDOM_BYTES + 4) throw new Error('Encrypt is too short');
    const xmlLength = new DataView(plain.buffer, plain.byteOffset).getUint32(RANDOM_BYTES, false);
    const xmlStart = RANDOM_BYTES + 4;
    if (xmlLength > content - xmlStart) throw new Error('Encrypt has an invalid length field');
    const foundAppId = decoder.decode(plain.subarray(xmlStart + xmlLength, content));
    if (foundAppId !== appId) throw new Error('the message is for another appid: ' + foundAppId);
    return decoder.decode(plain.subarray(xmlStart, xmlStart + xmlLength));
  }

  global.WxCrypto = { sign, encrypt, decrypt, toBase64, fromBase64 };
})(window);
