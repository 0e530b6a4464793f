// A stand-in for the WeChat client's WeixinJSBridge, for desktop browsers. Inside WeChat the client injects the
// bridge into every page and fires WeixinJSBridgeReady on document; a page pays with
//   WeixinJSBridge.invoke('getBrandWCPayRequest', {appId, timeStamp, nonceStr, package, signType, paySign}, callback)
// and its callback receives {err_msg: 'get_brand_wcpay_request:ok' | ':cancel' | ':fail'}.
// https://pay.weixin.qq.com/doc/v3/merchant/4012791857
//
// Load it with <script src="{sandbox}/sandbox/weixin-jsbridge.js"> from any origin: it finds the sandbox from its own
// src, shows a pay sheet like WeChat's, and pays through the sandbox's WeChat Pay, which checks what the WeChat client
// checks (the prepay_id, the appId, the merchant's paySign) and notifies the merchant as WeChat Pay does.
'use strict';

(function () {
  // Inside WeChat (or loaded twice) the bridge already exists: the real one must win.
  if (typeof window.WeixinJSBridge !== 'undefined') return;

  const PAY = 'getBrandWCPayRequest';
  const PAY_RESULT = 'get_brand_wcpay_request'; // err_msg is named differently from the call: ':ok', ':cancel', ':fail'
  const PAY_FIELDS = ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'];
  const SANDBOX = sandboxOrigin();
  let sheetOpen = false;

  /** The origin this script came from; the page that loads it lives elsewhere (the gateway's origin). */
  function sandboxOrigin() {
    let script = document.currentScript;
    if (!script || !script.src) {
      // Not set while an event handler or a module runs the script: find it by its path instead.
      const candidates = document.querySelectorAll('script[src*="/sandbox/weixin-jsbridge.js"]');
      script = candidates[candidates.length - 1];
    }
    return script ? new URL(script.src, location.href).origin : location.origin;
  }

  /** WeChat answers asynchronously, and a page's exception in its callback must not break the sheet. */
  function answer(callback, result) {
    setTimeout(() => {
      if (typeof callback === 'function') callback(result);
    }, 0);
  }

  function payParams(params) {
    const picked = {};
    for (const field of PAY_FIELDS) picked[field] = params[field];
    return picked;
  }

  /** The sandbox's JSON answer; no cookies travel, the endpoints answer CORS for any origin. */
  async function post(path, params) {
    const response = await fetch(SANDBOX + path, {
      method: 'POST', mode: 'cors', credentials: 'omit',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payParams(params)) });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  }

  function element(tag, id, text, css) {
    const node = document.createElement(tag);
    if (id) node.id = id;
    if (text !== undefined) node.textContent = text;
    if (css) node.style.cssText = css;
    return node;
  }

  function yuan(fen) {
    return '¥' + (fen / 100).toFixed(2);
  }

  // Inline styles only: the sheet lives on someone else's page and must neither take nor leak CSS.
  const FONT = 'font:15px/1.45 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;';
  const BUTTON = FONT + 'display:block;width:100%;margin-top:10px;padding:11px;border-radius:8px;font-size:16px;cursor:pointer;';

  /** A sheet like WeChat's pay sheet; data-state says where it is: loading, ready, refused, unreachable, paying. */
  function openSheet(params, callback) {
    sheetOpen = true;
    const sheet = element('div', 'wx-pay-sheet', undefined,
      'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.5);display:flex;align-items:flex-end;justify-content:center;');
    sheet.setAttribute('role', 'dialog');
    sheet.setAttribute('aria-modal', 'true');
    sheet.setAttribute('aria-labelledby', 'wx-pay-title');
    sheet.dataset.state = 'loading';
    const panel = element('div', null, undefined,
      FONT + 'width:100%;max-width:420px;background:#fff;color:#191919;border-radius:12px 12px 0 0;padding:20px 20px 24px;text-align:center;box-sizing:border-box;');
    const title = element('div', 'wx-pay-title', '模拟微信支付 · sandbox WeChat Pay', 'font-size:14px;color:#888;');
    const description = element('div', 'wx-pay-description', '', 'margin-top:14px;');
    const amount = element('div', 'wx-pay-amount', '…', 'margin-top:4px;font-size:34px;font-weight:600;');
    const error = element('div', 'wx-pay-error', '', 'margin-top:10px;color:#fa5151;font-size:13px;word-break:break-word;');
    error.hidden = true;
    const confirm = element('button', 'wx-pay-confirm', '确认支付', BUTTON + 'margin-top:18px;background:#07c160;color:#fff;border:1px solid #07c160;');
    confirm.type = 'button';
    const cancel = element('button', 'wx-pay-cancel', '取消', BUTTON + 'background:#f2f2f2;color:#191919;border:1px solid #e5e5e5;');
    cancel.type = 'button';
    panel.append(title, description, amount, error, confirm, cancel);
    sheet.append(panel);
    document.body.append(sheet);

    function refuse(state, reason) {
      sheet.dataset.state = state;
      amount.textContent = '—';
      error.textContent = reason;
      error.hidden = false;
    }

    function close(result) {
      sheet.remove();
      sheetOpen = false;
      answer(callback, result);
    }

    // The amount comes from the sandbox's WeChat Pay, as the client shows the order's, not the page's.
    post('/sandbox/jsapi-pay/preview', params).then((preview) => {
      if (sheet.dataset.state !== 'loading') return;
      if (!preview.payable) {
        // Confirming stays possible: the sandbox then answers :fail with this reason, which is what a test wants to see.
        refuse('refused', preview.err_desc);
        return;
      }
      sheet.dataset.state = 'ready';
      sheet.dataset.amountFen = String(preview.total);
      description.textContent = preview.description || '';
      amount.textContent = yuan(preview.total);
    }, (failure) => {
      if (sheet.dataset.state === 'loading') refuse('unreachable', '无法连接沙盒 · cannot reach the sandbox at ' + SANDBOX + ': ' + failure.message);
    });

    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      cancel.disabled = true;
      sheet.dataset.state = 'paying';
      let result;
      try {
        result = await post('/sandbox/jsapi-pay', params);
      } catch (failure) {
        result = { err_msg: PAY_RESULT + ':fail', err_desc: '无法连接沙盒 · cannot reach the sandbox at ' + SANDBOX + ': ' + failure.message };
      }
      close(result);
    });
    cancel.addEventListener('click', () => close({ err_msg: PAY_RESULT + ':cancel' }));
  }

  function invoke(name, params, callback) {
    if (name !== PAY) {
      answer(callback, { err_msg: 'system:function_not_exist' });
      return;
    }
    if (sheetOpen) {
      answer(callback, { err_msg: PAY_RESULT + ':fail', err_desc: '已有一笔支付在进行 · another payment is in progress' });
      return;
    }
    openSheet(params || {}, callback);
  }

  window.WeixinJSBridge = {
    invoke,
    // Events (menu sharing and the like) never fire on a desktop browser; calls such as closeWindow do nothing.
    on() {},
    call() {},
  };
  // Pages wait for this when the bridge was not there yet as their script ran; those that find it defined call it
  // at once, so firing it now, synchronously, serves both.
  document.dispatchEvent(new Event('WeixinJSBridgeReady'));
})();
