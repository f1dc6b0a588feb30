// The demo shop's own script: its language switch (which also switches the
// portal, live) and a log of the portal's events.
(function () {
  'use strict';
  var portal = document.querySelector('aftersales-portal');
  var log = document.querySelector('.shop-log');
  var lang = 'zh-CN';

  function show(l) {
    lang = l;
    var key = l === 'en' ? 'en' : 'zh';
    document.documentElement.lang = l;
    document.title = l === 'en' ? 'Example Home · After-sales' : '示例家居 · 售后服务';
    document.querySelectorAll('[data-zh]').forEach(function (e) { e.textContent = e.getAttribute('data-' + key); });
    document.querySelectorAll('[data-zh-label]').forEach(function (e) {
      e.setAttribute('aria-label', e.getAttribute('data-' + key + '-label'));
    });
    document.querySelector('.shop-lang').lang = l === 'en' ? 'zh-CN' : 'en';
    portal.setAttribute('lang', l);
  }

  document.querySelector('.shop-lang').addEventListener('click', function () {
    show(lang === 'en' ? 'zh-CN' : 'en');
  });
  document.querySelector('.shop-reset').addEventListener('click', function () {
    if (portal.reset) portal.reset(); // once embed.js has defined the element
  });

  ['ready', 'navigate', 'decision', 'filed'].forEach(function (name) {
    portal.addEventListener('aftersales-' + name, function (e) {
      var item = document.createElement('li');
      item.textContent = name + ' ' + JSON.stringify(e.detail);
      log.prepend(item);
    });
  });
})();
