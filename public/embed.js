/* <aftersales-portal>: the after-sales portal in a store's own page, in an iframe
   of the portal's origin. Contract: docs/embedding.md. Served as written. */
(function () {
  'use strict';
  var C = window.customElements;
  if (!C || C.get('aftersales-portal')) return; // no custom elements, or loaded twice

  var TAG = 'aftersales-portal';
  var me = document.currentScript || document.querySelector('script[src*="embed.js"]');
  // The portal's base URL: the directory embed.js came from.
  var BASE = new URL('.', (me && me.src) || location.href).href;
  var TITLE = { 'zh-CN': '售后自助服务', en: 'After-sales self-service' };
  var REQUEST = /^(cancel|return|exchange|repair|complaint)$/;
  // What each event from the frame may carry: these fields, as strings.
  var FIELDS = { ready: ['version'], navigate: ['page'], decision: ['type', 'outcome', 'clause'], filed: ['id', 'type'] };
  var CSS = ':host{display:block}iframe{display:block;width:100%;border:0;height:420px;color-scheme:light}';
  // A constructed sheet needs no 'unsafe-inline' in the host's style-src; else a <style>.
  var SHEET = null;
  try {
    if ('adoptedStyleSheets' in Document.prototype) { SHEET = new CSSStyleSheet(); SHEET.replaceSync(CSS); }
  } catch (e) { SHEET = null; }
  var S = new WeakMap(); // element -> its private state
  var live = new Set(); // connected elements

  function attr(el, n) { return (el.getAttribute(n) || '').trim(); }
  function lang(el) { var l = attr(el, 'lang'); return l === 'zh-CN' || l === 'en' ? l : null; }
  function title(el) { var l = lang(el); return l ? TITLE[l] : TITLE['zh-CN'] + ' · ' + TITLE.en; }

  // The `src` attribute (resolved, as a directory) over the script's own directory.
  function base(el) {
    var a = attr(el, 'src');
    if (a) {
      try {
        var u = new URL(a, document.baseURI);
        if (/^https?:$/.test(u.protocol)) {
          u.search = u.hash = '';
          if (!/\/$/.test(u.pathname)) u.pathname += '/';
          return u.href;
        }
      } catch (e) { /* not a URL: the default */ }
    }
    return BASE;
  }

  function frameUrl(el) {
    var q = '?embed=1', l = lang(el), a = attr(el, 'accent'), o = attr(el, 'order'), r = attr(el, 'request');
    if (l) q += '&lang=' + l;
    if (/^#[0-9a-fA-F]{6}$/.test(a)) q += '&accent=' + encodeURIComponent(a);
    if (o && o.length <= 64) q += '&order=' + encodeURIComponent(o);
    return base(el) + 'index.html' + q + '#/' + (REQUEST.test(r) ? r : '');
  }

  function post(s, type, data) {
    var w = s.f && s.f.contentWindow;
    if (w) w.postMessage({ aftersales: 1, type: type, data: data }, s.o);
  }

  function sendReset(el, s) {
    s.pending = false;
    s.fired = false; // the fresh portal's `ready` is dispatched again
    post(s, 'reset', { src: frameUrl(el) });
  }

  function fromFrame(el, s, type, data) {
    if (type === 'resize') {
      var h = +data.height;
      if (h > 0 && h < 1e5) s.f.style.height = Math.ceil(h) + 'px';
      return;
    }
    // A frame script that started after the frame's load event asks again.
    if (type === 'knock') return post(s, 'hello', { lang: lang(el) });
    if (!FIELDS.hasOwnProperty(type)) return; // reset-done and unknown types
    if (type === 'ready') {
      s.up = true;
      if (s.pending) return sendReset(el, s); // this page is about to be wiped
      if (s.fired) return;
      s.fired = true;
    }
    var detail = {};
    FIELDS[type].forEach(function (k) {
      var v = data[k];
      detail[k] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    });
    el.dispatchEvent(new CustomEvent('aftersales-' + type, { bubbles: true, composed: true, detail: detail }));
    // A new page: show its top when the customer had scrolled past the element's.
    if (type === 'navigate' && el.getBoundingClientRect().top < 0) el.scrollIntoView({ block: 'start' });
  }

  // One listener for every element: the message must come from that element's
  // frame window and from its portal origin.
  window.addEventListener('message', function (e) {
    live.forEach(function (el) {
      var s = S.get(el), d = e.data;
      if (!e.source || !s.f || s.f.contentWindow !== e.source || e.origin !== s.o) return;
      if (d && typeof d === 'object' && d.aftersales === 1 && typeof d.type === 'string') {
        fromFrame(el, s, d.type, d.data && typeof d.data === 'object' ? d.data : {});
      }
    });
  });

  function state(el) {
    var s = S.get(el);
    if (!s) S.set(el, (s = { f: null, o: '', url: '', up: false, fired: false, pending: false }));
    return s;
  }

  // Points the frame at the URL the attributes describe, if that changed.
  function go(el, s) {
    var url = frameUrl(el);
    if (url === s.url) return;
    if (url.split('#')[0] !== s.url.split('#')[0]) s.up = false; // a new page loads
    s.url = url;
    s.o = new URL(url).origin;
    s.f.src = url;
  }

  class AftersalesPortal extends HTMLElement {
    static get observedAttributes() { return ['src', 'lang', 'request', 'order', 'accent']; }

    connectedCallback() {
      var el = this, s = state(el);
      live.add(el);
      if (s.f) return; // moved: the frame reloads by itself
      // A closed shadow root: the host page's CSS never reaches the iframe.
      var root = el.attachShadow({ mode: 'closed' });
      var f = (s.f = document.createElement('iframe'));
      f.title = title(el);
      // Every page load inside the frame: say hello (the frame learns our origin).
      f.addEventListener('load', function () {
        s.up = false;
        post(s, 'hello', { lang: lang(el) });
      });
      go(el, s);
      if (SHEET) root.adoptedStyleSheets = [SHEET];
      else root.append(Object.assign(document.createElement('style'), { textContent: CSS }));
      root.append(f);
    }

    disconnectedCallback() { live.delete(this); }

    attributeChangedCallback(name, old, value) {
      var s = state(this);
      if (!s.f || old === value) return; // before the first connection: read then
      if (name === 'lang') {
        s.f.title = title(this);
        post(s, 'lang', { lang: lang(this) }); // live, no reload
      } else {
        go(this, s);
      }
    }

    // Forgets this customer in the portal and returns it to its first page.
    reset() {
      var s = state(this);
      if (s.up) sendReset(this, s);
      else s.pending = true; // sent when the frame is ready
    }
  }

  C.define(TAG, AftersalesPortal);
})();
