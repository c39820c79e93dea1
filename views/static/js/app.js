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
        el.textContent = el.textContent.replace(/\d+/, String(left));
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
  document.addEventListener("DOMContentLoaded", function () { countdowns(document); });
  document.addEventListener("htmx:afterSwap", function (e) { countdowns(e.target); });
})();
