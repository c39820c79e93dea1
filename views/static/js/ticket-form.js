// 提交工单: the device field's type-ahead as a combobox over the listbox that
// htmx fetches (/tickets/new/devices). Without this script the field is a
// plain serial number field; with it, the arrow keys move through the
// options, Enter or a click picks one (htmx then fetches the field with the
// device), Escape closes the list.
(function () {
  "use strict";
  function input() { return document.getElementById("f-device"); }
  function list() { return document.getElementById("device-options"); }
  function options() {
    var l = list();
    return l ? Array.prototype.slice.call(l.querySelectorAll("li[role=option]:not([aria-disabled=true])")) : [];
  }
  function setOpen(open) {
    var l = list(), i = input();
    if (!l || !i) return;
    l.hidden = !open;
    i.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function focusOption(n) {
    var opts = options();
    if (!opts.length) return;
    n = (n + opts.length) % opts.length;
    opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === n ? "true" : "false"); });
    opts[n].focus();
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "device-options" || (list() && e.detail.elt === list())) {
      var l = list();
      setOpen(!!l && l.children.length > 0);
    }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t === input()) {
      if (e.key === "ArrowDown" && options().length) { e.preventDefault(); setOpen(true); focusOption(0); }
      else if (e.key === "Escape") setOpen(false);
      return;
    }
    if (!t.matches || !t.matches("#device-options li[role=option]")) return;
    var opts = options(), n = opts.indexOf(t);
    switch (e.key) {
      case "ArrowDown": e.preventDefault(); focusOption(n + 1); break;
      case "ArrowUp": e.preventDefault(); if (n <= 0) input().focus(); else focusOption(n - 1); break;
      case "Home": e.preventDefault(); focusOption(0); break;
      case "End": e.preventDefault(); focusOption(opts.length - 1); break;
      case "Enter": case " ": e.preventDefault(); t.click(); break;
      case "Escape": e.preventDefault(); setOpen(false); input().focus(); break;
      case "Tab": setOpen(false); break;
    }
  });
  document.addEventListener("click", function (e) {
    var l = list();
    if (l && !l.hidden && !l.contains(e.target) && e.target !== input()) setOpen(false);
  });
})();
