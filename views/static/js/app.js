// Supportal's only script of its own: small enhancements on top of pages that
// work without JavaScript. Loaded from a file so the CSP needs no inline script.
(function () {
  "use strict";
  // Count down the "get code" cool-down and enable the button again.
  function countdowns(root) {
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (el.dataset.running) return;
      el.dataset.running = "1";
      var left = parseInt(el.dataset.countdown, 10) || 0;
      var row = el.closest(".coderow");
      var button = row && row.querySelector("[data-cooldown]");
      var timer = setInterval(function () {
        left -= 1;
        if (left <= 0) {
          clearInterval(timer);
          el.hidden = true;
          if (button) button.disabled = false;
          return;
        }
        // The text's number, or the singular text (data-one) at one.
        el.textContent = left === 1 && el.dataset.one ? el.dataset.one : el.textContent.replace(/\d+/, String(left));
      }, 1000);
    });
  }
  // Close the user menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      d.removeAttribute("open");
      d.querySelector("summary").focus();
    });
  });
  // Dialogs that htmx swaps in (<dialog open>) become real modal dialogs:
  // focus moves inside, Escape and 取消 close them, focus returns.
  function dialogs(root) {
    root.querySelectorAll("dialog.dialog[open]").forEach(function (d) {
      if (d.dataset.modal || typeof d.showModal !== "function") return;
      d.dataset.modal = "1";
      var opener = document.activeElement;
      d.close();
      d.showModal();
      d.addEventListener("close", function () {
        if (d.open) return; // the close() above, delivered after showModal
        var host = d.parentNode;
        d.remove();
        if (opener && document.contains(opener)) opener.focus();
        else if (host) host.focus();
      });
      var first = d.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  }
  document.addEventListener("click", function (e) {
    var close = e.target.closest && e.target.closest("[data-close-dialog]");
    var d = close && close.closest("dialog[open]");
    if (!d) return;
    e.preventDefault();
    d.close();
  });
  // The error summary of a full-page form: its links follow the order of the
  // fields on the page, a link focuses its field, and focus starts on it.
  function errorSummary(root) {
    var box = root.querySelector && root.querySelector("[data-error-summary]");
    if (!box) return null;
    var list = box.querySelector("ul");
    if (list) {
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        var fa = document.getElementById(a.firstElementChild.dataset.field);
        var fb = document.getElementById(b.firstElementChild.dataset.field);
        if (!fa || !fb) return 0;
        return fa.compareDocumentPosition(fb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      });
      items.forEach(function (li) { list.appendChild(li); });
    }
    return box;
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-error-summary] a[data-field]");
    var field = link && document.getElementById(link.dataset.field);
    if (!field) return;
    e.preventDefault();
    field.focus();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
  });
  // Focus after an htmx swap never falls to <body>. A rejected form (422)
  // focuses its error summary or first invalid field; otherwise, when the
  // swap removed the focused control, focus goes to the same control in the
  // new content (data-focus-key: the sort links), else to what the content
  // marks with data-swap-focus (the results summary, the code field), else
  // to the swapped element or <main>.
  var focusKey = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var a = document.activeElement;
    focusKey = a && a.dataset ? a.dataset.focusKey || null : null;
  });
  function lost() {
    var a = document.activeElement;
    return !a || a === document.body || !document.contains(a);
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail.elt && document.contains(e.detail.elt) ? e.detail.elt : e.detail.target;
    if (target && target.type === "hidden") return; // an out-of-band field
    if (e.detail.xhr && e.detail.xhr.status === 422) {
      var box = errorSummary(target || document);
      if (box) { box.focus(); return; }
      var bad = document.querySelector("[aria-invalid=true]");
      if (bad) { bad.focus(); return; }
    }
    if (!lost()) return;
    var scope = target && document.contains(target) ? target : document.getElementById("main");
    var next = focusKey && document.querySelector("[data-focus-key='" + focusKey + "']");
    if (!next) next = scope.querySelector("[data-swap-focus]") || (scope.matches("[data-swap-focus]") ? scope : null);
    if (!next && scope.id === "main") next = scope;
    if (!next) {
      if (!scope.hasAttribute("tabindex")) scope.setAttribute("tabindex", "-1");
      next = scope;
    }
    next.focus();
  });
  // The language switcher keeps what the user typed: the fields of the page's
  // forms are kept in sessionStorage and filled in again on the page it
  // returns to. What cannot be kept (a chosen file, a password) is warned
  // about first. After htmx pushed a new URL (a search), it returns there.
  var draftKey = "supportal.draft";
  function keepable(el) {
    if (!el.id || el.disabled || el.readOnly) return false;
    var type = (el.type || "").toLowerCase();
    return ["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) < 0;
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form.langswitch")) return;
    var next = form.querySelector("input[name=next]");
    if (next && history.state && history.state.htmx) next.value = location.pathname + location.search;
    var fields = document.querySelectorAll("main input, main select, main textarea");
    var lost = false, kept = {}, any = false;
    fields.forEach(function (el) {
      var type = (el.type || "").toLowerCase();
      if ((type === "file" && el.files && el.files.length) || (type === "password" && el.value)) lost = true;
      if (!keepable(el)) return;
      // Every field, also those the server filled in: a page that answers a
      // POST is not the page the switch returns to.
      kept[el.id] = type === "checkbox" || type === "radio" ? el.checked : el.value;
      any = true;
    });
    if (lost && form.dataset.warn && !window.confirm(form.dataset.warn)) { e.preventDefault(); return; }
    try {
      if (any) sessionStorage.setItem(draftKey, JSON.stringify({ path: next ? next.value : "", fields: kept }));
    } catch (err) { /* storage off: the switch still works */ }
  });
  // Without JavaScript the buttons may submit the page's own form (the
  // server keeps its fields); here they go back to the switcher's form.
  function ownSwitch() {
    document.querySelectorAll("form.langswitch button[data-carry]").forEach(function (b) {
      ["form", "formaction", "formmethod", "formenctype", "formnovalidate"].forEach(function (a) { b.removeAttribute(a); });
    });
    // The note on what a switch cannot keep is for pages without
    // JavaScript: here the switch asks before it loses anything.
    document.querySelectorAll("form.langswitch .langswitch-note").forEach(function (n) { n.remove(); });
    document.querySelectorAll("form.langswitch button[aria-describedby]").forEach(function (b) {
      b.setAttribute("aria-describedby", b.getAttribute("aria-describedby").replace(/\s*lang-note/, ""));
    });
  }
  function restoreDraft() {
    var draft;
    try {
      draft = JSON.parse(sessionStorage.getItem(draftKey) || "null");
      sessionStorage.removeItem(draftKey);
    } catch (err) { return; }
    // The page may add its own query on the way (/register → ?step=1).
    if (!draft || draft.path.split("?")[0] !== location.pathname) return;
    Object.keys(draft.fields).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el || !keepable(el)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = draft.fields[id];
      else el.value = draft.fields[id];
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    ownSwitch();
    restoreDraft();
    countdowns(document);
    var box = errorSummary(document);
    if (box) box.focus();
  });
  document.addEventListener("htmx:afterSwap", function (e) { countdowns(e.target); dialogs(e.target); });
})();
