// The sandbox chat page: a WeChat user talking to the Official Account through the real gateway.
// The page plays WeChat's servers for each message (builds the XML, signs it, encrypts it in safe mode) and hands
// the finished delivery to the sandbox, which posts it unaltered to the gateway's /wechat (that path has no CORS:
// only WeChat's servers call it). Replies arrive at the sandbox's customer-service API (push mode), or in the
// answer to the delivery itself (passive mode). The account menu's 会员 button opens the member page on the gateway,
// which signs the user in through the sandbox's WeChat authorize page, as the same button does inside WeChat.
'use strict';

(function () {
  const POLL_MS = 1000;
  const OPENID = /^[A-Za-z0-9_-]{16,64}$/; // what the sandbox's WeChat sign-in accepts
  // The sandbox's authorize page signs in as this cookie's user without asking, as WeChat knows its user.
  const OPENID_COOKIE = 'wxai_sandbox_openid';
  const MEMBER_PAGE = '/auth/wechat?next=/shop/';
  const OPENID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

  const state = { config: null, openid: null, generation: 0, seen: 0, polling: false };
  const $ = (id) => document.getElementById(id);

  // ---- plumbing ---------------------------------------------------------------------------------------------

  async function json(request) {
    const response = await request;
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (notJson) { body = null; }
    if (!response.ok) {
      const reason = body && (body.message || body.error) ? (body.error + ': ' + body.message) : text.slice(0, 200);
      throw new Error('HTTP ' + response.status + ' ' + reason);
    }
    return body;
  }

  function randomDigits(count) {
    const values = crypto.getRandomValues(new Uint8Array(count));
    let digits = String(1 + (values[0] % 9));
    for (let i = 1; i < count; i++) digits += String(values[i] % 10);
    return digits;
  }

  function newOpenid() {
    const values = crypto.getRandomValues(new Uint8Array(20));
    return 'oSandbox' + Array.from(values, (v) => OPENID_CHARS[v % OPENID_CHARS.length]).join('');
  }

  function remember(openid) {
    try { localStorage.setItem('wxai.chat.openid', openid); } catch (unavailable) { /* private mode: no memory */ }
  }

  function remembered() {
    try { return localStorage.getItem('wxai.chat.openid'); } catch (unavailable) { return null; }
  }

  // ---- the chat -----------------------------------------------------------------------------------------------

  function addMessage(kind, text, meta, data) {
    const item = document.createElement('li');
    item.className = 'msg ' + kind;
    Object.assign(item.dataset, data || {});
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.textContent = text;
    item.append(bubble);
    if (meta !== undefined) {
      const line = document.createElement('div');
      line.className = 'meta';
      line.textContent = meta;
      item.append(line);
    }
    const list = $('messages');
    list.append(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function notice(text) {
    return addMessage('system', text);
  }

  function setMeta(item, text) {
    item.querySelector('.meta').textContent = text;
  }

  /** CDATA cannot contain "]]>": split it across two sections, as any XML writer does. */
  function cdata(text) {
    return '<![CDATA[' + String(text).split(']]>').join(']]]]><![CDATA[>') + ']]>';
  }

  function textXml(openid, content, msgId) {
    return '<xml><ToUserName>' + cdata(state.config.originalId) + '</ToUserName>'
      + '<FromUserName>' + cdata(openid) + '</FromUserName>'
      + '<CreateTime>' + Math.floor(Date.now() / 1000) + '</CreateTime>'
      + '<MsgType>' + cdata('text') + '</MsgType>'
      + '<Content>' + cdata(content) + '</Content>'
      + '<MsgId>' + msgId + '</MsgId></xml>';
  }

  /** The query and body WeChat's servers would send: signed, and in safe mode encrypted with msg_signature. */
  async function signedDelivery(openid, xml, mode) {
    const { token, appId, aesKey, originalId } = state.config;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomDigits(10);
    const query = new URLSearchParams({ signature: await WxCrypto.sign(token, timestamp, nonce), timestamp, nonce, openid });
    if (mode !== 'safe') {
      return { query: query.toString(), body: xml };
    }
    const encrypt = await WxCrypto.encrypt(xml, appId, aesKey);
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', await WxCrypto.sign(token, timestamp, nonce, encrypt));
    return { query: query.toString(), body: '<xml><ToUserName>' + cdata(originalId) + '</ToUserName><Encrypt>' + cdata(encrypt) + '</Encrypt></xml>' };
  }

  function xmlFields(text) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length > 0) throw new Error('the reply is not well-formed XML');
    const fields = {};
    for (const child of doc.documentElement.children) fields[child.tagName] = child.textContent;
    return fields;
  }

  /**
   * What WeChat would show for the answer to a delivery: null for "success" or an empty body; otherwise the reply's
   * fields, decrypted in safe mode, with whether its MsgSignature holds (WeChat drops a reply whose does not).
   */
  async function readPassiveReply(body) {
    const text = (body || '').trim();
    if (!text.startsWith('<xml')) return null;
    const outer = xmlFields(text);
    if (outer.Encrypt === undefined) {
      return { msgType: outer.MsgType, content: outer.Content, toUserName: outer.ToUserName, encrypted: false, signatureValid: null };
    }
    const { token, appId, aesKey } = state.config;
    if (!aesKey) throw new Error('an encrypted reply, but the sandbox has no EncodingAESKey (WXAI_WECHAT_AESKEY)');
    const expected = await WxCrypto.sign(token, outer.TimeStamp || '', outer.Nonce || '', outer.Encrypt);
    const inner = xmlFields(await WxCrypto.decrypt(outer.Encrypt, appId, aesKey));
    return { msgType: inner.MsgType, content: inner.Content, toUserName: inner.ToUserName, encrypted: true, signatureValid: expected === outer.MsgSignature };
  }

  function summary(status, answer) {
    const text = (answer || '').trim();
    if (text === '') return 'HTTP ' + status + ' · (empty)';
    if (text.startsWith('<xml')) return 'HTTP ' + status + ' · 被动回复 · passive reply';
    return 'HTTP ' + status + ' · ' + text.slice(0, 120);
  }

  async function send(text) {
    const openid = state.openid;
    const mode = document.querySelector('input[name="mode"]:checked').value;
    const item = addMessage('out', text, '投递中 · delivering…', { mode });
    let delivery;
    try {
      delivery = await signedDelivery(openid, textXml(openid, text, randomDigits(17)), mode);
    } catch (e) {
      setMeta(item, '无法签名 · cannot sign: ' + e.message);
      return;
    }
    // The sandbox delivers it as WeChat would (again after 5 s without an answer, or at once after a failure
    // status, three deliveries in all) and reports each delivery and how the message ended.
    let report;
    try {
      report = await json(fetch('/sandbox/chat/deliver?' + delivery.query, {
        method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: delivery.body }));
    } catch (e) {
      item.dataset.status = '0';
      setMeta(item, '沙盒无应答 · the sandbox did not answer: ' + e.message);
      return;
    }
    const last = report.deliveries[report.deliveries.length - 1];
    item.dataset.status = String(last.status);
    item.dataset.deliveries = String(report.deliveries.length);
    item.dataset.outcome = report.outcome;
    const history = report.deliveries.map((d) => d.status === 0 ? '—' : String(d.status)).join(' → ');
    if (report.outcome === 'failed') {
      setMeta(item, '投递失败 · ' + history + ' · ' + report.deliveries.length + '次投递 · deliveries');
      // What WeChat shows in the chat when the account's server failed every delivery.
      addMessage('system', report.notice, '微信系统提示 · WeChat notice', { source: 'wechat-notice' });
      return;
    }
    setMeta(item, summary(last.status, report.body) + (report.deliveries.length > 1
      ? ' · ' + history + ' · 第' + report.deliveries.length + '次投递 · delivery ' + report.deliveries.length : ''));
    await showPassiveReply(report.body, openid);
  }

  async function showPassiveReply(answer, openid) {
    let reply;
    try {
      reply = await readPassiveReply(answer);
    } catch (e) {
      notice('无法读取被动回复 · cannot read the passive reply: ' + e.message);
      return;
    }
    if (reply === null || openid !== state.openid) return;
    if (reply.signatureValid === false) notice('被动回复的 MsgSignature 不对，微信会丢弃它 · the reply\'s MsgSignature is wrong: WeChat would drop it');
    const content = reply.msgType === 'text' ? reply.content : '[' + reply.msgType + ']';
    addMessage('in', content, reply.encrypted ? '被动回复（已解密）· passive reply, decrypted' : '被动回复 · passive reply',
      { source: 'passive', encrypted: String(reply.encrypted) });
  }

  /** Customer-service messages the sandbox received for this user (push mode), shown once each. */
  async function poll() {
    if (state.polling || !state.openid) return;
    state.polling = true;
    const generation = state.generation;
    try {
      const received = await json(fetch('/sandbox/received?openid=' + encodeURIComponent(state.openid)));
      if (generation !== state.generation) return;
      const messages = received.customMessages || [];
      if (messages.length < state.seen) state.seen = 0; // the sandbox forgot everything (DELETE /sandbox/received)
      for (const message of messages.slice(state.seen)) {
        if (message.errcode === 0) {
          const content = message.msgtype === 'text' ? message.content : '[' + message.msgtype + ']';
          addMessage('in', content, '客服消息 · customer-service message', { source: 'customer-service' });
        } else {
          notice('微信拒绝了一条客服消息 · WeChat refused a customer-service message (errcode ' + message.errcode + ')');
        }
      }
      state.seen = messages.length;
    } catch (e) {
      // The sandbox restarting: try again on the next tick.
    } finally {
      state.polling = false;
    }
  }

  function useOpenid(openid) {
    openid = openid.trim();
    if (!OPENID.test(openid)) {
      notice('openid 须为 16–64 个字母、数字、_ 或 - · an openid is 16–64 letters, digits, _ or -');
      return;
    }
    state.openid = openid;
    state.generation++;
    state.seen = 0;
    $('openid').value = openid;
    $('messages').replaceChildren();
    remember(openid);
    notice('你是 · you are ' + openid);
    $('text').disabled = false;
    $('send').disabled = false;
    $('open-shop').disabled = false;
    poll();
  }

  // ---- the account menu ---------------------------------------------------------------------------------------

  /**
   * The menu's 会员 button, a view button as in WeChat: the same tab goes to the member page through the gateway's
   * WeChat sign-in. The cookie tells the sandbox's authorize page (same host; cookies ignore the port) who the user is.
   */
  function openShop() {
    if (!state.openid || !state.config) return;
    document.cookie = OPENID_COOKIE + '=' + encodeURIComponent(state.openid) + '; Path=/; SameSite=Lax';
    location.assign(state.config.gatewayUrl + MEMBER_PAGE);
  }

  // ---- start --------------------------------------------------------------------------------------------------

  async function start() {
    try {
      state.config = await json(fetch('/sandbox/chat/config'));
    } catch (e) {
      notice('无法读取沙盒设置 · cannot read the sandbox settings: ' + e.message);
      return;
    }
    const { gatewayUrl, appId, aesKey, originalId } = state.config;
    $('account').textContent = '沙盒公众号 · ' + originalId;
    $('settings').textContent = 'gateway ' + gatewayUrl + ' · appId ' + appId
      + (aesKey ? ' · EncodingAESKey ✓' : ' · 无 EncodingAESKey: 安全模式不可用 · no EncodingAESKey (WXAI_WECHAT_AESKEY): safe mode off');
    $('mode-safe').disabled = !aesKey;
    for (const radio of document.querySelectorAll('input[name="mode"]')) {
      radio.addEventListener('change', () => {
        const safe = radio.value === 'safe' && radio.checked;
        $('mode-badge').textContent = safe ? '安全模式' : '明文';
        $('mode-badge').classList.toggle('safe', safe);
      });
    }
    $('user-form').addEventListener('submit', (event) => {
      event.preventDefault();
      useOpenid($('openid').value);
    });
    $('new-openid').addEventListener('click', () => useOpenid(newOpenid()));
    $('open-shop').addEventListener('click', openShop);
    $('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('text').value;
      if (!text.trim() || !state.openid) return;
      $('text').value = '';
      send(text);
    });
    const fromUrl = new URLSearchParams(location.search).get('openid');
    useOpenid(fromUrl || remembered() || 'oSandboxUser123456');
    setInterval(poll, POLL_MS);
    document.body.dataset.ready = 'true';
  }

  // For tests and the console: read a delivery's answer the way the page does.
  window.wxaiChat = { readPassiveReply, ready: start() };
})();
