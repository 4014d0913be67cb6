// Benk's note drafts: keeps what is typed in the browser (localStorage) until the server has
// it, and autosaves the person's draft note to the server while typing. The pages work
// without this script: every form posts normally.
(function () {
  'use strict';
  var store = null;
  try {
    window.localStorage.setItem('benk-probe', '1');
    window.localStorage.removeItem('benk-probe');
    store = window.localStorage;
  } catch (e) {
    store = null;
  }
  // The server marks keys whose text it now holds (a signed note, a saved contact).
  document.querySelectorAll('[data-clear-local]').forEach(function (el) {
    if (store) { store.removeItem(el.getAttribute('data-clear-local')); }
  });
  document.querySelectorAll('form[data-local-key]').forEach(function (form) {
    var key = form.getAttribute('data-local-key');
    var area = form.querySelector('[data-local]');
    if (!area) { return; }
    if (store) {
      var kept = store.getItem(key);
      if (kept && !area.value.trim()) { area.value = kept; }
    }
    var url = form.getAttribute('data-autosave');
    var status = form.querySelector('[data-status]');
    var timer = null;
    function save() {
      var csrf = form.querySelector('input[name="_csrf"]');
      var body = new URLSearchParams();
      body.set('_csrf', csrf ? csrf.value : '');
      body.set('action', 'autosave');
      body.set('body', area.value);
      fetch(url, { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (r) {
          if (r.ok && status) {
            var t = new Date();
            status.textContent = status.getAttribute('data-saved') + ' ' +
              String(t.getHours()).padStart(2, '0') + ':' + String(t.getMinutes()).padStart(2, '0');
          }
        })
        .catch(function () { /* offline: the text stays in localStorage */ });
    }
    area.addEventListener('input', function () {
      if (store) {
        if (area.value.trim()) { store.setItem(key, area.value); } else { store.removeItem(key); }
      }
      if (!url) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1500);
    });
  });
})();
