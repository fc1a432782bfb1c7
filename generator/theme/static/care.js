// 适老模式 (MIIT 互联网网站适老化通用设计规范; GB/T 37668): larger type and stronger contrast,
// chosen once with the header's button and kept on every page of the site (localStorage).
// Loaded in <head> as a classic script, so that a page is never first drawn in the other mode.
// Without JavaScript the button stays hidden; site.css still follows the reader's own settings
// (text size, zoom, prefers-contrast), which persist without any script.
(function () {
  "use strict";
  var KEY = "gongshi-care";
  var root = document.documentElement;
  try {
    if (localStorage.getItem(KEY) === "1") root.classList.add("care");
  } catch (e) { /* storage refused (private mode, policy): the normal mode */ }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("care-toggle");
    if (!button) return;
    var show = function () {
      button.setAttribute("aria-pressed", root.classList.contains("care") ? "true" : "false");
    };
    show();
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = root.classList.toggle("care");
      try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* kept for this page only */ }
      show();
    });
  });
})();
