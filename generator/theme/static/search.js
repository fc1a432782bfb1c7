// /search/: the records whose name, code or number matches (the lookup index), or a plain
// statement that none does and why (a credit code's check character, a resident ID number);
// then, apart and never as matches, Pagefind's full-text results as related content, with
// filters (and their counts) and sorting.  A module file, not an inline script, so that the
// Content-Security-Policy needs only 'self' and 'wasm-unsafe-eval' (Pagefind's WebAssembly).
import { Lookup, NOT_IN_USCC, queryKind } from "./lookup.js";

const PAGE = 10;
const FIRST = ["公示事项"];             // filter groups shown first …
const LAST = ["执法主体", "地区", "年份"]; // … and last; a dataset's own filters (处罚类别) between
const LABELS = ["名称", "编号", "类别", "执法主体", "日期"]; // a row's labels when its dataset's are unknown
const $ = (id) => document.getElementById(id);

const state = { query: "", filters: {}, sort: "", results: [], shown: 0, skip: new Set(), run: 0,
  wantFull: false, refine: false, labels: new Map() };
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

// 2026-03-04 → 2026年3月4日, as the pages write dates
function cnDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(iso || "");
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

// One result: its name links to the record (or the list page that shows it); below it the
// number, category, department and date under its dataset's column names, and the item.
function hit(r) {
  const li = el("li", { class: "hit" });
  const title = el("a", { href: r.url }, r.name || r.title || r.url);
  li.append(el("p", { class: "hit-title" }));
  li.firstChild.append(title);
  const dl = el("dl");
  const labels = r.labels || LABELS;
  const rows = [[labels[1], r.number], [labels[2], r.kind], [labels[3], r.agency], [labels[4], cnDate(r.date)],
    ["公示事项", r.item]];
  for (const [label, value] of rows) {
    if (!label || !value) continue;
    const row = el("div");
    row.append(el("dt", {}, label), el("dd", {}, value));
    dl.append(row);
  }
  if (dl.childElementCount) li.append(dl);
  else if (r.excerpt) li.append(el("p", { class: "hit-excerpt" }, plainText(r.excerpt)));
  return li;
}

// A full-text result: its page's title (which names the record: party, number), its number and
// date from its meta; its category (the dataset's own filter, e.g. 处罚类别), department and
// item from its filters.
function fromPagefind(data) {
  const m = data.meta || {};
  const f = data.filters || {};
  const own = Object.keys(f).find((k) => !FIRST.includes(k) && !LAST.includes(k));
  const text = (k) => (k && f[k] ? f[k].join("、") : "");
  const item = text("公示事项");
  const title = m.title || m.name;
  return { url: data.url, name: title, number: title && m.number && title.includes(m.number) ? "" : m.number,
    kind: text(own), agency: text("执法主体"), date: m.date, item, labels: state.labels.get(item),
    excerpt: data.excerpt };
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

// Pagefind costs a first visit about 1.3 MB at 100,000 records (its page lists and sort orders;
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

// Why nothing matched, by what the query looks like: [the status's sentence, the paragraphs
// below it].  A credit code that cannot be one is pointed out (I1); a resident ID number is
// never searched for, nor repeated (I2, P3.1).
function noMatch(q, kind) {
  const none = `没有找到与“${q}”相符的记录`;
  const mayBe = "如果输入准确，说明该单位目前没有在本平台公示的行政处罚、行政许可、检查等信息。";
  const byName = "也可以改用单位名称查询。";
  const key = q.normalize("NFKC").replace(/\s+/gu, "").toUpperCase();
  switch (kind) {
    case "resident-id":
      return ["本平台不能用居民身份证号码查询。",
        ["居民身份证号码属于个人信息，本平台不公开，也不能用来查询。请改用姓名或单位名称查询。"]];
    case "placeholder":
      return [`${none}：这是占位码，不能用来查询。`,
        ["没有统一社会信用代码的个体工商户，在代码一栏填写 00000000000000000X，它不代表任何一家单位。请改用工商注册号或名称查询。"]];
    case "uscc-check":
      return [`${none}：统一社会信用代码校验位不符，请核对。`,
        ["统一社会信用代码共 18 位，最后一位是由前 17 位算出的校验位。这个代码的校验位不符，说明其中至少有一位输错了。",
          `请对照营业执照核对后再查，${byName}`]];
    case "uscc-letters": {
      const letter = [...key].find((c) => NOT_IN_USCC[c]);
      return [`${none}：统一社会信用代码中没有字母 ${letter}，请核对。`,
        [`统一社会信用代码不使用字母 I、O、S、V、Z。这里的“${letter}”可能是${NOT_IN_USCC[letter]}。`,
          `请对照营业执照核对后再查，${byName}`]];
    }
    case "uscc-length":
      return [`${none}：统一社会信用代码应为 18 位，这里是 ${key.length} 位，请核对。`,
        [`请对照营业执照核对后再查，${byName}`]];
    case "uscc":
      return [`${none}。`, [`本平台正在公示的信息中，没有统一社会信用代码为 ${key} 的记录。${mayBe}`,
        `个别记录没有填写代码，${byName}`]];
    case "doc-number":
      return [`${none}。`, [`本平台正在公示的信息中，没有文号为“${q}”的记录。已被撤销、撤下或超过公示期限的决定不再公示，也查不到。`,
        `请核对文号后再查，${byName}`]];
    case "number":
      return [`${none}。`, [`本平台正在公示的信息中，没有代码或编号为“${q}”的记录。`, `请核对后再查，也可以改用名称查询。`]];
    default:
      return [`${none}。`, [`本平台正在公示的信息中，没有名称含有“${q}”的单位、人员或事项。${mayBe}`,
        "名称不确定时，可以只输入其中几个字（至少两个字）再查。"]];
  }
}

// A query that names something: its full text is searched at once when the lookup finds
// nothing.  A code or number is not (word pieces of it would only bring unrelated records);
// the reader may still ask for it.
const NAMING = new Set(["text"]);

async function search() {
  const run = ++state.run;
  const q = state.query.trim();
  const kind = queryKind(q);
  const filtering = Object.keys(state.filters).length > 0;
  const sort = state.sort ? { [state.sort.split(":")[0]]: state.sort.split(":")[1] } : undefined;
  $("search-status").textContent = q || filtering ? "正在查询……" : "";
  $("search-status").dataset.state = "busy";
  delete $("search-status").dataset.error;
  let lookupFailed = false;
  const searchable = q && kind !== "resident-id" && kind !== "placeholder";
  const exact = searchable ? await lookup.find(q).catch(() => { lookupFailed = true; return []; }) : [];
  if (!state.labels.size) state.labels = await lookup.labels().catch(() => new Map());
  const answered = exact.length > 0 && !state.wantFull && !filtering && !sort;
  const related = (q || filtering) && !answered
    && (filtering || sort || state.wantFull || lookupFailed || (searchable && NAMING.has(kind)));
  let full = null;
  let all = null;
  let fullFailed = false;
  try {
    if (related) {
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
  $("search-exact-h").textContent = `与“${q}”相符的记录`;
  $("search-exact-list").replaceChildren(...exact.map(hit));
  $("search-exact").hidden = exact.length === 0;
  const [nothing, why] = q && !exact.length && !lookupFailed ? noMatch(q, kind) : ["", []];
  $("search-none").replaceChildren(...why.map((text) => el("p", {}, text)));
  $("search-none").hidden = why.length === 0;
  $("search-full-h").textContent = q ? "其他相关内容" : "筛选结果";
  $("search-full-note").textContent = q
    ? `以下公示信息提到了“${q}”中的部分字词，不是与查询相符的记录，请注意区分。` : "";
  $("search-full-note").hidden = !q;
  $("search-full-list").replaceChildren();
  if (!fullFailed && state.refine) renderFilters(full ? full.filters : all);
  $("search-full").hidden = fullFailed || fullCount === 0;
  $("search-fulltext").hidden = fullFailed || related || !searchable;
  $("search-browse").hidden = exact.length > 0 || !q;
  if (!fullFailed && !(await showMore())) fullFailed = true;
  if (run !== state.run) return;
  if (fullFailed) {
    showUnavailable(q, exact, nothing, lookupFailed);
    return;
  }
  const many = exact.more ? "名称含有这几个字的记录较多，只列出前 20 条，输入更多的字可以缩小范围。" : "";
  const partial = lookupFailed ? "（名称、代码和文号查询暂时无法使用，以下仅为全文检索的结果，不一定与查询相符。）" : "";
  const parts = [];
  if (exact.length) parts.push(`找到 ${exact.length} 条与“${q}”相符的记录。${many}`);
  else if (nothing) parts.push(nothing);
  if (q && related && fullCount) {
    parts.push(exact.length ? `另有 ${fullCount} 条公示信息提到了其中的字词，列在“其他相关内容”下。`
      : `下方“其他相关内容”中的 ${fullCount} 条公示信息只是提到了其中的部分字词，不是查询结果。`);
  } else if (q && related && !lookupFailed) {
    parts.push(exact.length ? "没有其他提到它的公示信息。" : "正文中也没有提到它的公示信息。");
  } else if (q && related && lookupFailed) {
    parts.push(`没有找到与“${q}”相关的公示信息。`);
  } else if (!q && filtering) {
    parts.push(fullCount ? `筛选出 ${fullCount} 条公示信息。` : "没有符合筛选条件的公示信息。");
  }
  $("search-status").textContent = parts.join("") + partial;
  if (lookupFailed) $("search-status").dataset.error = "lookup";
  $("search-status").dataset.state = "done"; // for tests and benchmarks: this search has finished
}

// Pagefind could not be loaded: said plainly; what the lookup answered (matches, or that there
// are none) stays, and the lists below stay reachable.  When the lookup failed too, never
// “没有找到”: the record may exist.  data-error tells the tests what failed.
function showUnavailable(q, exact, nothing, lookupFailed) {
  $("search-full").hidden = true;
  $("search-more").hidden = true;
  $("search-fulltext").hidden = true;
  $("search-browse").hidden = false;
  const parts = [];
  if (exact.length) parts.push(`找到 ${exact.length} 条与“${q}”相符的记录。`);
  else if (nothing) parts.push(nothing);
  if (lookupFailed) parts.push("名称、代码和文号查询暂时无法使用。");
  parts.push(exact.length || nothing ? "全文检索暂时无法使用，未能列出提到这些字词的其他公示信息。"
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
