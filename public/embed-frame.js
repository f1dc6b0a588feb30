/* The portal's side of <aftersales-portal> (embed.js): runs in the portal's page
   inside the store's iframe. Relays the app's events (DOM events on the mount
   element) to the store's page and its requests (language, reset) to the app;
   sizes the frame to its content. Contract: docs/embedding.md. */
(function () {
  'use strict';
  var P = window.parent;
  if (P === window || window.aftersalesFrame) return; // not framed, or loaded twice
  window.aftersalesFrame = 1;

  // What each app event may carry to the store's page: these fields, as strings.
  var FIELDS = { ready: ['version'], navigate: ['page'], decision: ['type', 'outcome', 'clause'], filed: ['id', 'type'] };
  var allowed = null; // the server's allowed_origins, once fetched
  var host = null; // the store page's origin, from the first valid hello
  var early = []; // messages that came before the list
  var out = []; // messages to the host, until the handshake
  var toApp = {}; // requests for the app, until it is ready
  var last = 0; // the height last posted
  var sizing = false;

  function mount() { return document.getElementById('aftersales-portal'); }
  function isLang(l) { return l === 'zh-CN' || l === 'en'; }

  function post(type, data) {
    P.postMessage({ aftersales: 1, type: type, data: data }, host);
  }

  function send(type, data) {
    if (host) post(type, data);
    else out.push([type, data]);
  }

  function copy(type, d) {
    var o = {};
    FIELDS[type].forEach(function (k) {
      var v = d && d[k];
      o[k] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    });
    return o;
  }

  // Requests for the app: dispatched on the mount once the app listens (it is ready).
  function ask(name, detail) {
    toApp[name] = detail; // the latest of each kind
    var m = mount();
    if (m && m.hasAttribute('data-ready')) flushApp(m);
  }
  function flushApp(m) {
    var q = toApp;
    toApp = {};
    Object.keys(q).forEach(function (name) {
      m.dispatchEvent(new CustomEvent('aftersales-' + name, { detail: q[name] }));
      if (name === 'reset') post('reset-done', {});
    });
  }

  // The app's events, relayed to the store's page.
  Object.keys(FIELDS).forEach(function (type) {
    document.addEventListener('aftersales-' + type, function (e) {
      send(type, copy(type, e.detail));
      // Not from inside the app's own dispatch: its handlers run later.
      if (type === 'ready') setTimeout(function () { var m = mount(); if (m) flushApp(m); });
    }, true);
  });

  // Late start: the app was ready, or on a page, before this script ran.
  var m0 = mount(), page = m0 && m0.getAttribute('data-page');
  if (m0 && m0.hasAttribute('data-ready')) out.push(['ready', { version: m0.getAttribute('data-version') || '' }]);
  if (page) out.push(['navigate', { page: page }]);

  // The frame's height: the root element's box (it holds the body and its margins).
  function height() {
    var de = document.documentElement, r = de.getBoundingClientRect(), b = document.body, h = r.height;
    if (b) h = Math.max(h, b.getBoundingClientRect().bottom - r.top + (parseFloat(getComputedStyle(b).marginBottom) || 0));
    return Math.ceil(h);
  }
  function measure() {
    var h = height();
    if (h === last) return;
    last = h;
    post('resize', { height: h });
    // The store's page sizes the frame from now on: no scrollbar inside.
    if (window.ResizeObserver) document.documentElement.style.overflow = 'hidden';
  }
  function startSizing() {
    measure();
    if (sizing) return;
    sizing = true;
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(measure);
      ro.observe(document.documentElement);
      if (document.body) ro.observe(document.body);
    } else {
      window.addEventListener('resize', measure);
    }
  }

  function receive(origin, d) {
    var t = d.type, data = d.data && typeof d.data === 'object' ? d.data : {};
    if (allowed.indexOf(origin) < 0 || (host && origin !== host)) return;
    if (t === 'hello') {
      host = origin;
      if (isLang(data.lang)) ask('lang', { lang: data.lang });
      out.splice(0).forEach(function (m) { post(m[0], m[1]); });
      startSizing();
    } else if (!host) {
      return; // nothing before the hello
    } else if (t === 'lang') {
      if (isLang(data.lang)) ask('lang', { lang: data.lang });
    } else if (t === 'reset' && typeof data.src === 'string') {
      var u;
      try { u = new URL(data.src, location.href); } catch (e) { return; }
      if (u.origin !== location.origin) return;
      // The app forgets the customer, then opens the page itself.
      ask('reset', { src: u.href });
    }
  }

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (e.source !== P || !d || typeof d !== 'object' || d.aftersales !== 1 || typeof d.type !== 'string') return;
    if (allowed) receive(e.origin, d);
    else if (early.length < 20) early.push([e.origin, d]);
  });

  // Which store pages may talk to this frame: the server's allowed_origins.
  function start() {
    var m = mount(), api = (m && m.getAttribute('data-api-base')) || 'api/';
    fetch(api + 'embed', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (j) {
        var list = j && j.allowed_origins;
        allowed = Array.isArray(list) ? list.filter(function (o) { return typeof o === 'string'; }) : [];
        early.splice(0).forEach(function (m) { receive(m[0], m[1]); });
        // Started after the frame's load event (the store's hello came before this
        // script listened): knock, to each allowed origin only (the browser
        // delivers it only if it is the store page's), and the loader says hello again.
        if (!host) allowed.forEach(function (o) {
          try { P.postMessage({ aftersales: 1, type: 'knock', data: {} }, o); } catch (e) { /* not an origin */ }
        });
      });
  }
  if (mount() || document.readyState !== 'loading') start();
  else document.addEventListener('DOMContentLoaded', start);
})();
