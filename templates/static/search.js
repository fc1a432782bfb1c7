// The search page's only script besides Pagefind's own: a file, not inline, so that the
// Content-Security-Policy (netlify.toml) needs no 'unsafe-inline' for scripts.
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({ element: "#search", showSubResults: false, showImages: false,
    translations: { placeholder: "请输入查询内容", zero_results: "没有找到与“[SEARCH_TERM]”相关的公示信息" } });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { ui.triggerSearch(q); }
});
