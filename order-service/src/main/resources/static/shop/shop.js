// 会员中心: the page the Official Account's 「会员」 menu opens in WeChat's in-app browser. It shows the membership,
// sells the catalogue with JSAPI pay (https://pay.weixin.qq.com/doc/v3/merchant/4012791857) and lists the orders.
// Everything it shows comes from the same-origin /api; the result WeChat Pay hands the page is only a hint, the
// order's status on the server is the truth.
'use strict';

(function () {
  const ORDERS_PAGE_SIZE = 20;
  // WeChat injects WeixinJSBridge shortly after load; outside WeChat it never comes.
  const BRIDGE_WAIT_MS = 3000;
  // The payment notification reaches the server a moment after the user pays; give it 30 s before giving up.
  const PAY_POLL_MS = 1000;
  const PAY_POLLS = 30;
  // A paid membership reaches /api/me on the server's own schedule; a few extra looks, then the user can reload.
  const MEMBERSHIP_POLLS = 5;
  const CSRF_COOKIE = 'XSRF-TOKEN';
  const CSRF_HEADER = 'X-XSRF-TOKEN';

  const STATUS_TEXT = {
    CREATED: '待支付',
    PAID: '已支付',
    CLOSED: '已关闭',
    REFUNDING: '退款中',
    REFUNDED: '已退款',
    FAILED: '失败',
  };
  const FINAL_UNPAID = new Set(['CLOSED', 'FAILED', 'REFUNDING', 'REFUNDED']);

  const state = { me: null, paying: false, ordersPage: 0, ordersShown: 0, ordersGeneration: 0 };
  let resolveCatalog;
  const catalog = new Promise((resolve) => { resolveCatalog = resolve; }); // Map sku → product, once loaded

  const $ = (id) => document.getElementById(id);

  // ---- plumbing ---------------------------------------------------------------------------------------------

  /** Thrown once the page is on its way to sign-in: callers stay quiet. */
  class Redirecting extends Error {}

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code || ('HTTP ' + status));
      this.status = status;
      this.code = code;
    }
  }

  class NotInWeChat extends Error {}

  function signIn() {
    location.replace('/auth/wechat?next=' + encodeURIComponent(location.pathname + location.search));
  }

  function cookie(name) {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      const value = part.slice(eq + 1).trim();
      try { return decodeURIComponent(value); } catch (malformed) { return value; }
    }
    return null;
  }

  /** The server sets the CSRF cookie on its responses; a first visit may not have it yet. */
  async function csrfToken() {
    let token = cookie(CSRF_COOKIE);
    if (!token) {
      await api('/api/me');
      token = cookie(CSRF_COOKIE);
    }
    return token;
  }

  async function api(path, options) {
    const opts = options || {};
    const method = opts.method || 'GET';
    const headers = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') {
      const token = await csrfToken();
      if (token) headers[CSRF_HEADER] = token; // none at all: let the server give its own answer
    }
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (offline) {
      throw new ApiError(0, 'network', '网络异常，请稍后重试');
    }
    if (response.status === 401) {
      signIn();
      throw new Redirecting('signing in');
    }
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (notJson) { body = null; }
    if (!response.ok) {
      throw new ApiError(response.status, body && body.error, body && body.message);
    }
    return body;
  }

  function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function yuan(fen) {
    return '¥' + (Number(fen) / 100).toFixed(2);
  }

  /** YYYY-MM-DD HH:mm in the browser's time zone. */
  function localTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    const two = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + two(date.getMonth() + 1) + '-' + two(date.getDate())
      + ' ' + two(date.getHours()) + ':' + two(date.getMinutes());
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** tone: info | success | error */
  function notice(text, tone) {
    const line = $('notice');
    line.textContent = text || '';
    line.dataset.tone = tone || 'info';
  }

  function problem(error, what) {
    if (error instanceof Redirecting) return;
    notice(what + '：' + error.message, 'error');
  }

  // ---- membership -------------------------------------------------------------------------------------------

  async function loadMe() {
    const me = await api('/api/me');
    state.me = me;
    renderMembership(me);
    return me;
  }

  function renderMembership(me) {
    const block = $('membership');
    const active = Boolean(me && me.active);
    block.dataset.active = String(active);
    if (active) {
      $('membership-title').textContent = '会员有效期至 ' + localTime(me.membershipUntil);
      $('membership-detail').textContent = '会员期间提问不限次数。';
    } else {
      $('membership-title').textContent = '尚未开通会员';
      $('membership-detail').textContent = me && me.membershipUntil
        ? '会员已于 ' + localTime(me.membershipUntil) + ' 到期。开通会员后，提问不限次数。'
        : '开通会员后，提问不限次数。';
    }
  }

  /** After paying for a membership, look again until the server shows the longer membership. */
  async function awaitMembership(before) {
    for (let i = 0; i < MEMBERSHIP_POLLS; i++) {
      try {
        const me = await loadMe();
        if (me.active && me.membershipUntil !== before) return;
      } catch (e) {
        if (e instanceof Redirecting) throw e;
      }
      await delay(PAY_POLL_MS);
    }
  }

  // ---- products ---------------------------------------------------------------------------------------------

  async function loadProducts() {
    const list = $('products');
    let products;
    try {
      products = await api('/api/products');
    } catch (e) {
      resolveCatalog(new Map());
      if (e instanceof Redirecting) return;
      list.replaceChildren(element('li', 'placeholder error', '无法读取商品：' + e.message));
      return;
    }
    resolveCatalog(new Map(products.map((product) => [product.sku, product])));
    if (products.length === 0) {
      list.replaceChildren(element('li', 'placeholder', '暂无可购买的商品'));
      return;
    }
    list.replaceChildren(...products.map(productCard));
    setPaying(state.paying);
  }

  function productCard(product) {
    const membership = product.kind === 'MEMBERSHIP';
    const card = element('li', 'product');
    card.dataset.sku = product.sku;
    card.dataset.kind = product.kind;

    const info = element('div', 'product-info');
    info.append(element('span', 'product-kind', membership ? '会员' : '课程'));
    info.append(element('h3', 'product-name', product.name));
    if (membership && product.days) info.append(element('p', 'product-days', product.days + ' 天'));

    const side = element('div', 'product-buy');
    side.append(element('span', 'price', yuan(product.priceFen)));
    const buy = element('button', 'buy', membership ? '开通' : '购买');
    buy.type = 'button';
    buy.dataset.sku = product.sku;
    side.append(buy);

    card.append(info, side);
    return card;
  }

  function setPaying(paying) {
    state.paying = paying;
    for (const button of document.querySelectorAll('button.buy')) button.disabled = paying;
    $('products').setAttribute('aria-busy', String(paying));
  }

  // ---- orders -----------------------------------------------------------------------------------------------

  async function loadOrders(page) {
    // A reload of the first page makes every answer still on its way stale: only the newest one is drawn.
    const generation = page === 0 ? ++state.ordersGeneration : state.ordersGeneration;
    const result = await api('/api/orders?page=' + page + '&size=' + ORDERS_PAGE_SIZE);
    const products = await catalog;
    if (generation !== state.ordersGeneration) return;
    const items = (result.orders || []).map((order) => orderItem(order, products));
    const list = $('orders');
    if (page === 0) {
      list.replaceChildren(...items);
      state.ordersShown = items.length;
    } else {
      list.append(...items);
      state.ordersShown += items.length;
    }
    state.ordersPage = page;
    if (state.ordersShown === 0) list.replaceChildren(element('li', 'placeholder', '还没有订单'));
    $('more-orders').hidden = !(Number(result.total) > state.ordersShown && items.length > 0);
  }

  async function refreshOrders() {
    try {
      await loadOrders(0);
    } catch (e) {
      if (e instanceof Redirecting) return;
      $('orders').replaceChildren(element('li', 'placeholder error', '无法读取订单：' + e.message));
      $('more-orders').hidden = true;
    }
  }

  function orderItem(order, products) {
    const product = products.get(order.sku);
    const item = element('li', 'order');
    item.dataset.outTradeNo = order.outTradeNo;
    item.dataset.status = order.status;

    const top = element('div', 'order-row');
    top.append(element('span', 'order-name', product ? product.name : order.sku));
    top.append(element('span', 'order-amount', yuan(order.amountFen)));

    const bottom = element('div', 'order-row order-meta');
    bottom.append(element('span', 'order-status', STATUS_TEXT[order.status] || order.status));
    const when = order.status === 'PAID' && order.paidAt
      ? '支付于 ' + localTime(order.paidAt)
      : localTime(order.createdAt);
    bottom.append(element('time', 'order-time', when));

    item.append(top, bottom, element('div', 'order-no', '订单号 ' + order.outTradeNo));
    return item;
  }

  async function moreOrders() {
    const button = $('more-orders');
    button.disabled = true;
    try {
      await loadOrders(state.ordersPage + 1);
    } catch (e) {
      problem(e, '无法读取更多订单');
    } finally {
      button.disabled = false;
    }
  }

  // ---- paying -----------------------------------------------------------------------------------------------

  function bridge() {
    return typeof WeixinJSBridge === 'undefined' ? null : WeixinJSBridge;
  }

  /** WeChat's documented pattern: use the bridge if it is there, otherwise wait for WeixinJSBridgeReady. */
  function weixinBridge() {
    const ready = bridge();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(bridge());
      };
      const timer = setTimeout(() => {
        document.removeEventListener('WeixinJSBridgeReady', onReady);
        reject(new NotInWeChat('请在微信中打开'));
      }, BRIDGE_WAIT_MS);
      document.addEventListener('WeixinJSBridgeReady', onReady, { once: true });
    });
  }

  function requestPayment(weixin, jsapi) {
    return new Promise((resolve) => {
      weixin.invoke('getBrandWCPayRequest', jsapi, (res) => resolve(res || {}));
    });
  }

  /** The server hears from WeChat Pay on its own; wait for it to record the payment. */
  async function awaitPaid(outTradeNo) {
    for (let i = 0; i < PAY_POLLS; i++) {
      try {
        const order = await api('/api/orders/' + encodeURIComponent(outTradeNo));
        if (order.status === 'PAID' || FINAL_UNPAID.has(order.status)) return order.status;
      } catch (e) {
        if (e instanceof Redirecting) throw e;
        // a failed look is not an answer: try again on the next tick
      }
      await delay(PAY_POLL_MS);
    }
    return null;
  }

  async function buy(sku) {
    if (state.paying) return;
    const products = await catalog;
    const product = products.get(sku);
    setPaying(true);
    try {
      notice('正在创建订单…');
      const order = await api('/api/orders', { method: 'POST', body: { sku, channel: 'JSAPI' } });
      refreshOrders(); // the new order shows as 待支付 while the user pays

      const weixin = await weixinBridge();
      notice('请在微信支付中完成付款…');
      const res = await requestPayment(weixin, order.jsapi);
      const result = String(res.err_msg || '');

      if (result === 'get_brand_wcpay_request:ok') {
        notice('正在确认支付结果…');
        const before = state.me && state.me.membershipUntil;
        const status = await awaitPaid(order.outTradeNo);
        if (status === 'PAID') {
          if (product && product.kind === 'MEMBERSHIP') await awaitMembership(before);
          notice('支付成功', 'success');
        } else if (status) {
          notice('订单' + (STATUS_TEXT[status] || status) + '，如已扣款请联系客服', 'error');
        } else {
          notice('支付结果确认中，请稍后刷新查看', 'info');
        }
      } else if (result.endsWith(':cancel')) {
        notice('已取消支付');
      } else {
        notice('支付失败' + (res.err_desc ? '：' + res.err_desc : ''), 'error');
      }
    } catch (e) {
      if (e instanceof NotInWeChat) notice(e.message, 'error');
      else problem(e, '无法完成支付');
    } finally {
      setPaying(false);
      await refreshOrders();
    }
  }

  // ---- JS-SDK (optional: only when operators add jweixin.js) ------------------------------------------------

  async function configureJsSdk() {
    if (typeof wx === 'undefined' || !wx || typeof wx.config !== 'function') return;
    try {
      const url = location.href.split('#')[0]; // the signature covers the URL without its fragment
      const sdk = await api('/api/jssdk?url=' + encodeURIComponent(url));
      if (typeof wx.error === 'function') wx.error((err) => console.warn('wx.config failed', err));
      wx.config({
        debug: false,
        appId: sdk.appId,
        timestamp: sdk.timestamp,
        nonceStr: sdk.nonceStr,
        signature: sdk.signature,
        jsApiList: ['closeWindow'],
      });
    } catch (e) {
      if (!(e instanceof Redirecting)) console.warn('JS-SDK not configured', e);
    }
  }

  // ---- start ------------------------------------------------------------------------------------------------

  async function start() {
    $('products').addEventListener('click', (event) => {
      const button = event.target.closest('button.buy');
      if (button && !button.disabled) buy(button.dataset.sku);
    });
    $('more-orders').addEventListener('click', moreOrders);

    // Sign-in first: one redirect, not one per request.
    try {
      await loadMe();
    } catch (e) {
      if (e instanceof Redirecting) return;
      $('membership-title').textContent = '无法读取会员状态';
      $('membership-detail').textContent = e.message;
    }
    configureJsSdk();
    await Promise.all([loadProducts(), refreshOrders()]);
  }

  start();
})();
