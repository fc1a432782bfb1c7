// /search/: exact matches from the lookup index first, then Pagefind's full-text results with
// filters (and their counts) and sorting.  A module file, not an inline script, so that the
// Content-Security-Policy needs only 'self' and 'wasm-unsafe-eval' (Pagefind's WebAssembly).
import { Lookup } from "./lookup.js";

const PAGE = 10;
const FIRST = ["公示事项"];             // filter groups shown first …
const LAST = ["执法主体", "地区", "年份"]; // … and last; a dataset's own filters (处罚类别) between
const $ = (id) => document.getElementById(id);

const state = { query: "", filters: {}, sort: "", results: [], shown: 0, skip: new Set(), run: 0,
  wantFull: false, refine: false };
const lookup = new Lookup();

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function plainText(html) {
  return new DOMParser().parseFromString(html || "", "text/html").body.textContent || "";
}

// One result: the name links to the record; number, kind, department, date and item below it.
function hit(r) {
  const li = el("li", { class: "hit" });
  const title = el("a", { href: r.url }, r.name || r.title || r.url);
  li.append(el("p", { class: "hit-title" }));
  li.firstChild.append(title);
  const dl = el("dl");
  for (const [label, value] of [["文号", r.number], ["类别", r.kind], ["执法主体", r.agency],
    ["日期", r.date], ["公示事项", r.item]]) {
    if (!value) continue;
    const row = el("div");
    row.append(el("dt", {}, label), el("dd", {}, value));
    dl.append(row);
  }
  if (dl.childElementCount) li.append(dl);
  else if (r.excerpt) li.append(el("p", { class: "hit-excerpt" }, plainText(r.excerpt)));
  return li;
}

// A full-text result: name, number and date from its meta; its category (the dataset's own
// filter, e.g. 处罚类别), department and item from its filters.
function fromPagefind(data) {
  const m = data.meta || {};
  const f = data.filters || {};
  const own = Object.keys(f).find((k) => !FIRST.includes(k) && !LAST.includes(k));
  const text = (k) => (k && f[k] ? f[k].join("、") : "");
  return { url: data.url, name: m.name, title: m.title, number: m.number, kind: text(own),
    agency: text("执法主体"), date: m.date, item: text("公示事项"), excerpt: data.excerpt };
}

function filterGroups(counts) {
  const keys = Object.keys(counts);
  const middle = keys.filter((k) => !FIRST.includes(k) && !LAST.includes(k)).sort();
  return [...FIRST, ...middle, ...LAST].filter((k) => keys.includes(k));
}

// Checkboxes per filter, each with the number of results it would keep.
function renderFilters(counts) {
  const box = $("search-filters");
  const focused = document.activeElement && box.contains(document.activeElement)
    ? document.activeElement.dataset.filter : null; // keep the keyboard where it was
  box.replaceChildren();
  filterGroups(counts).forEach((key, g) => {
    const details = el("details", { class: "filter" });
    const chosen = state.filters[key] || [];
    if (chosen.length) details.open = true;
    details.append(el("summary", {}, chosen.length ? `${key}（已选 ${chosen.length}）` : key));
    const fieldset = el("fieldset");
    fieldset.append(el("legend", { class: "visually-hidden" }, key));
    // values that would leave nothing are not offered (unless chosen, so they can be cleared)
    const values = Object.keys(counts[key]).filter((v) => counts[key][v] > 0 || chosen.includes(v));
    if (!values.length) return;
    values.sort();
    if (key === "年份") values.reverse();
    values.forEach((value, i) => {
      const id = `f-${g}-${i}`;
      const input = el("input", { type: "checkbox", id, "data-filter": `${key}\t${value}` });
      input.checked = chosen.includes(value);
      input.addEventListener("change", () => {
        const now = new Set(state.filters[key] || []);
        input.checked ? now.add(value) : now.delete(value);
        if (now.size) state.filters[key] = [...now]; else delete state.filters[key];
        search();
      });
      const label = el("label", { for: id }, `${value}（${counts[key][value]}）`);
      const row = el("div", { class: "check" });
      row.append(input, label);
      fieldset.append(row);
    });
    details.append(fieldset);
    box.append(details);
  });
  if (focused) {
    const again = [...box.querySelectorAll("input")].find((i) => i.dataset.filter === focused);
    if (again) again.focus();
  }
}

// The next page of full-text results; false when Pagefind could not load them.
async function showMore() {
  const run = state.run;
  const list = $("search-full-list");
  const batch = [];
  while (batch.length < PAGE && state.shown < state.results.length) {
    batch.push(state.results[state.shown++]);
  }
  let data;
  try {
    data = await fullText(() => Promise.all(batch.map((r) => r.data())));
  } catch (error) {
    if (!(error instanceof FullTextUnavailable)) throw error;
    if (run === state.run) $("search-more").hidden = true;
    return false;
  }
  if (run !== state.run) return true;
  for (const d of data) {
    if (!state.skip.has(d.url)) list.append(hit(fromPagefind(d)));
  }
  $("search-more").hidden = state.shown >= state.results.length;
  return true;
}

async function moreClicked() {
  if (!(await showMore())) {
    $("search-status").textContent = "更多结果暂时无法加载，请稍后再试。";
    $("search-status").dataset.error = "fulltext";
  }
}

function pagefindFilters() {
  const out = {};
  for (const [k, v] of Object.entries(state.filters)) out[k] = { any: v };
  return out;
}

// Pagefind costs a first visit about 1.2 MB at 100,000 records (its page list and sort indexes;
// the filter index another 1.2 MB), the lookup under 100 KB: Pagefind is loaded only when the lookup finds nothing, or
// when the reader asks for the full text, filters or sorting.
let pagefindReady = null;
function loadPagefind() {
  pagefindReady ||= (async () => {
    const pf = await import("/pagefind/pagefind.js");
    await pf.options({ excerptLength: 30 });
    await pf.init();
    // the big datasets are indexed month by month (stages/index.py): merged into one search
    const shards = await (await fetch("/pagefind/shards.json")).json();
    await Promise.all(shards.map((path) => pf.mergeIndex(path, { excerptLength: 30 })));
    return pf;
  })();
  return pagefindReady;
}

let filtersReady = null;
function loadFilters() { // once loaded, searches return the count of each filter value
  filtersReady ||= loadPagefind().then((pf) => pf.filters());
  return filtersReady;
}

// Pagefind may fail to load (its WebAssembly blocked by a browser policy, a file missing, the
// connection gone) or stall; the reader is told, the lookup's answers stay, and the next search
// tries again.  A stall counts as a failure after PAGEFIND_PATIENCE ms.
const PAGEFIND_PATIENCE = 30000;
class FullTextUnavailable extends Error {}
async function fullText(work) {
  let timer;
  const stall = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new FullTextUnavailable("timeout")), PAGEFIND_PATIENCE);
  });
  try {
    return await Promise.race([work(), stall]);
  } catch (error) {
    pagefindReady = null;
    filtersReady = null;
    throw error instanceof FullTextUnavailable ? error : new FullTextUnavailable(String(error));
  } finally {
    clearTimeout(timer);
  }
}

async function search() {
  const run = ++state.run;
  const q = state.query.trim();
  const filtering = Object.keys(state.filters).length > 0;
  const sort = state.sort ? { [state.sort.split(":")[0]]: state.sort.split(":")[1] } : undefined;
  $("search-status").textContent = q || filtering ? "正在查询……" : "";
  $("search-status").dataset.state = "busy";
  delete $("search-status").dataset.error;
  let lookupFailed = false;
  const exact = q ? await lookup.find(q).catch(() => { lookupFailed = true; return []; }) : [];
  const answered = exact.length > 0 && !state.wantFull && !filtering && !sort;
  let full = null;
  let all = null;
  let fullFailed = false;
  try {
    if ((q || filtering) && !answered) {
      [full, all] = await fullText(async () => {
        const pf = await loadPagefind();
        const counts = state.refine ? await loadFilters() : null;
        return [await pf.search(q || null, { filters: pagefindFilters(), sort }), counts];
      });
    } else if (state.refine) {
      all = await fullText(loadFilters);
    }
  } catch (error) {
    if (!(error instanceof FullTextUnavailable)) throw error;
    fullFailed = true;
  }
  if (run !== state.run) return; // a newer search has started
  state.skip = new Set(exact.map((r) => r.url));
  state.results = full ? full.results : [];
  state.shown = 0;
  // the full-text count leaves out what the exact matches already show
  let fullCount = 0;
  if (!fullFailed) {
    try {
      fullCount = state.results.length - (full ? await fullText(() => countShown(state.results)) : 0);
    } catch (error) {
      if (!(error instanceof FullTextUnavailable)) throw error;
      fullFailed = true;
    }
  }
  if (run !== state.run) return;
  $("search-exact-list").replaceChildren(...exact.map(hit));
  $("search-exact").hidden = exact.length === 0;
  $("search-full-list").replaceChildren();
  if (!fullFailed && state.refine) renderFilters(full ? full.filters : all);
  $("search-full").hidden = fullFailed || fullCount === 0;
  $("search-fulltext").hidden = fullFailed || !answered;
  if (!fullFailed && !(await showMore())) fullFailed = true;
  if (run !== state.run) return;
  if (fullFailed) {
    showUnavailable(q, exact, lookupFailed);
    return;
  }
  const nothing = exact.length === 0 && fullCount === 0 && (q || filtering);
  $("search-empty").hidden = !nothing;
  const many = exact.more ? "名称含有这几个字的记录较多，只列出前 20 条，输入更多的字可以缩小范围。" : "";
  const partial = lookupFailed ? "（名称、代码和文号查询暂时无法使用，以上仅为全文检索的结果。）" : "";
  $("search-status").textContent = (nothing ? `没有找到与“${q}”相关的公示信息。`
    : !q && !filtering ? ""
      : answered ? `找到 ${exact.length} 条名称、代码或文号相符的记录。${many}`
        : `找到 ${exact.length} 条名称、代码或文号相符的记录，全文检索 ${fullCount} 条结果。${many}`) + partial;
  if (lookupFailed) $("search-status").dataset.error = "lookup";
  $("search-status").dataset.state = "done"; // for tests and benchmarks: this search has finished
}

// Pagefind could not be loaded: said plainly, and never as “没有找到” (the record may exist); the
// lookup's answers stay, the lists below stay reachable.  data-error tells the tests what failed.
function showUnavailable(q, exact, lookupFailed) {
  $("search-full").hidden = true;
  $("search-more").hidden = true;
  $("search-fulltext").hidden = true;
  $("search-empty").hidden = true;
  const parts = [];
  if (exact.length) parts.push(`找到 ${exact.length} 条名称、代码或文号相符的记录。`);
  if (lookupFailed) parts.push("名称、代码和文号查询暂时无法使用。");
  parts.push(exact.length ? "全文检索暂时无法使用，其他提到它的公示信息未能列出。"
    : q ? `全文检索暂时无法使用，未能查询“${q}”。` : "全文检索暂时无法使用，未能筛选和排序。");
  parts.push("请稍后再试，或直接浏览下列公示信息。");
  $("search-status").textContent = parts.join("");
  $("search-status").dataset.error = lookupFailed ? "fulltext lookup" : "fulltext";
  $("search-status").dataset.state = "done";
}

// How many of the full-text results are exact matches already listed above (their data is
// loaded only when there are exact matches, and then only the first pages')
async function countShown(results) {
  if (!state.skip.size) return 0;
  const head = await Promise.all(results.slice(0, 50).map((r) => r.data()));
  return head.filter((d) => state.skip.has(d.url)).length;
}

function start() {
  const form = $("search-form");
  const input = $("q");
  state.query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = state.query;
  $("search-app").hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.query = input.value;
    state.wantFull = false;
    const url = new URL(window.location.href);
    if (state.query.trim()) url.searchParams.set("q", state.query.trim()); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    search();
  });
  $("search-refine").addEventListener("toggle", () => {
    if ($("search-refine").open && !state.refine) {
      state.refine = true;
      search();
    }
  });
  $("search-sort").addEventListener("change", (event) => {
    state.sort = event.target.value;
    search();
  });
  $("search-fulltext").addEventListener("click", () => {
    state.wantFull = true;
    search();
  });
  $("search-more").addEventListener("click", moreClicked);
  search();
}

start();
