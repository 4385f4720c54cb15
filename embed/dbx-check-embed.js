// For documentation pages that embed dbx-check in an <iframe data-dbx-check>:
// sizes each frame to the height the page reports, and passes the documentation
// theme (Docusaurus data-theme on <html>, MkDocs Material data-md-color-scheme on
// <body>) into the frame whenever it changes. Messages from anywhere but the
// frame's own origin are ignored.
(function () {
  'use strict';
  function frameOrigin(frame) {
    try { return new URL(frame.src, location.href).origin; } catch (e) { return null; }
  }
  function currentTheme() {
    var root = document.documentElement.getAttribute('data-theme');
    if (root === 'dark' || root === 'light') return root;
    var md = document.body && document.body.getAttribute('data-md-color-scheme');
    if (md === 'slate') return 'dark';
    if (md === 'default') return 'light';
    return null;
  }
  function sayHello(frame) {
    var origin = frameOrigin(frame);
    if (origin && frame.contentWindow) {
      frame.contentWindow.postMessage({ type: 'dbx-check:hello' }, origin);
    }
  }
  function sendTheme(frame) {
    var theme = currentTheme();
    var origin = frameOrigin(frame);
    if (theme && origin && frame.contentWindow) {
      frame.contentWindow.postMessage({ type: 'dbx-check:theme', theme: theme }, origin);
    }
  }
  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll('iframe[data-dbx-check]'));
  }
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.type !== 'dbx-check:height' || typeof data.height !== 'number') return;
    frames().forEach(function (frame) {
      if (event.source === frame.contentWindow && event.origin === frameOrigin(frame)) {
        frame.style.height = Math.max(200, Math.min(data.height, 20000)) + 'px';
      }
    });
  });
  function start() {
    frames().forEach(function (frame) {
      frame.addEventListener('load', function () { sayHello(frame); sendTheme(frame); });
      sayHello(frame);
      sendTheme(frame);
    });
    var observer = new MutationObserver(function () { frames().forEach(sendTheme); });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    if (document.body) {
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-md-color-scheme'] });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
