// The lookup index (/lookup/, written by generator/stages/lookup.py): exact answers for a credit
// code, a document number however it is typed, a full company name or any 2+-character part of
// one — the queries that Chinese word segmentation can break.  No dependencies; CSP-safe.

const BRACKETS = { "[": "〔", "(": "〔", "（": "〔", "【": "〔", "［": "〔", "〖": "〔", "{": "〔", "｛": "〔",
  "]": "〕", ")": "〕", "）": "〕", "】": "〕", "］": "〕", "〗": "〕", "}": "〕", "｝": "〕" };
const DOC_NUMBER = /^([^〔〕]*)〔(\d{4})〕(.*)$/u;

// The same as generator/identifiers.py lookup_key(): NFKC (full-width digits and letters), one
// kind of bracket (I3), no spaces, no leading zeros in the serial number, upper case.
// tests/fixtures/lookup_keys.json holds the vectors both must pass.
export function lookupKey(value) {
  let text = value.normalize("NFKC").replace(/./gsu, (c) => BRACKETS[c] || c).replace(/\s+/gu, "");
  const m = DOC_NUMBER.exec(text);
  if (m) text = `${m[1]}〔${m[2]}〕${m[3].replace(/(?<!\d)0+(?=\d)/gu, "")}`;
  return text.toUpperCase();
}

// What a query looks like, so that the page can say why nothing matched: the same as
// generator/identifiers.py query_kind() (tests/fixtures/query_kinds.json: the shared vectors).
// A credit code (I1, GB 32100-2015) with a wrong check character, a letter the code never uses
// (O for 0) or a character too few or many; the placeholder of a 个体工商户 without a code; a
// resident ID number (never searchable: I2, P3.1); a document number (I3); another number; text.
const USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY";
export const USCC_PLACEHOLDER = "00000000000000000X";
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function usccValid(code) {
  if (code.length !== 18 || [...code].some((c) => !USCC.includes(c))) return false;
  let total = 0;
  for (let i = 0; i < 17; i++) total += USCC.indexOf(code[i]) * ((3 ** i) % 31);
  return USCC[(31 - (total % 31)) % 31] === code[17];
}

function residentIdValid(number) {
  if (!/^\d{17}[\dX]$/u.test(number)) return false;
  const total = ID_WEIGHTS.reduce((sum, w, i) => sum + w * Number(number[i]), 0);
  return "10X98765432"[total % 11] === number[17];
}

export function queryKind(value) {
  const key = lookupKey(value || "");
  if (key === USCC_PLACEHOLDER) return "placeholder";
  if (/^[0-9A-Z]{18}$/u.test(key)) {
    if (usccValid(key)) return "uscc";
    if (residentIdValid(key)) return "resident-id";
    return [...key].every((c) => USCC.includes(c)) ? "uscc-check" : "uscc-letters";
  }
  if (/^(?=.*[A-Z])(?:[0-9A-Z]{17}|[0-9A-Z]{19})$/u.test(key)) return "uscc-length";
  if (DOC_NUMBER.test(key)) return "doc-number";
  return (key.match(/[0-9]/gu) || []).length >= 6 ? "number" : "text";
}

// The letters a credit code never uses, and what was probably meant (for the page's hint)
export const NOT_IN_USCC = { O: "数字 0", I: "数字 1", Z: "数字 2", S: "数字 5", V: "字母 U 或 Y" };

// The CRC-32 of the key's UTF-8 bytes, mixed: the shard it is in (shard_hash in generator/stages/lookup.py)
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function shardHash(text) {
  let c = 0xffffffff;
  for (const b of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  let h = (c ^ 0xffffffff) >>> 0;  // then MurmurHash3's finaliser: CRC-32's low bits mix poorly
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const MAX_PARTS = 3;       // name-part shards fetched for one query
const MAX_CANDIDATES = 20; // records listed for one query, and rows read at a time
const MAX_EXAMINED = 100;  // rows read for one query at most: the parts of a query may all occur
                           // in a name apart (中卫市天方 holds 市天 and 天方, so does 银川市天…天方)

export class Lookup {
  constructor(base = "/lookup/") {
    this.base = base;
    this.cache = new Map();
    this.bytes = 0; // what this lookup object has downloaded (for the benchmark)
  }

  async json(path) {
    if (!this.cache.has(path)) {
      this.cache.set(path, fetch(this.base + path).then(async (r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
        const text = await r.text();
        this.bytes += new TextEncoder().encode(text).length;
        return JSON.parse(text);
      }));
    }
    return this.cache.get(path);
  }

  // The labels (column names) of a dataset's rows, by its title: for full-text results too.
  async labels() {
    const m = await this.json("index.json");
    return new Map(m.datasets.map((d) => [d.title, d.labels]));
  }

  // The records whose identifier or full name equals the query, then those whose name contains
  // it (shorter names first): [{url, name, number, kind, agency, date, item, labels, exact}].
  async find(query) {
    const key = lookupKey(query || "");
    if ([...key].length < 2) return [];
    const m = await this.json("index.json");
    const exactShard = this.json(`k/${shardHash(key) % m.k}.json`);
    const chars = [...key];
    const common = new Set(m.common);
    const parts = [...new Set(chars.slice(1).map((c, i) => chars[i] + c))].filter((p) => !common.has(p));
    const chosen = parts.length <= MAX_PARTS ? parts
      : [parts[0], parts[Math.floor(parts.length / 2)], parts[parts.length - 1]];
    const postings = await Promise.all(chosen.map(async (p) => {
      const gaps = (await this.json(`g/${shardHash(p) % m.g}.json`))[p] || [];
      let at = 0;
      return gaps.map((g) => (at += g));
    }));
    const exact = (await exactShard)[key] || [];
    let contains = [];
    if (postings.length) {  // every chosen part must occur (none usable: all too common)
      const sets = postings.slice(1).map((p) => new Set(p));
      contains = postings[0].filter((o) => sets.every((s) => s.has(o)) && !exact.includes(o));
    }
    const candidates = [...exact, ...contains];
    const found = [];
    let examined = 0;
    // rows are read 20 at a time until 20 names hold the query: a candidate whose name holds the
    // parts apart is no match, and must not push a true one out of the list
    while (found.length < MAX_CANDIDATES && examined < Math.min(candidates.length, MAX_EXAMINED)) {
      const batch = candidates.slice(examined, Math.min(examined + MAX_CANDIDATES, MAX_EXAMINED));
      const rows = await Promise.all(batch.map(async (o) =>
        (await this.json(`r/${Math.floor(o / m.rows)}.json`))[o % m.rows]));
      rows.forEach((row, j) => {
        const isExact = examined + j < exact.length;
        const names = [row[1], ...(Array.isArray(row[7]) ? row[7] : [])];
        if (!isExact && !names.some((n) => lookupKey(n).includes(key))) return; // parts not adjacent
        const dataset = m.datasets[row[6]];
        found.push({ url: row[0], name: row[1], number: row[2], kind: row[3], agency: row[4], date: row[5],
          item: dataset.title, labels: dataset.labels, exact: isExact });
      });
      examined += batch.length;
    }
    const rank = (r) => (r.exact ? 0 : 1);
    found.sort((a, b) => rank(a) - rank(b) || (a.exact ? 0 : a.name.length - b.name.length));
    const listed = found.slice(0, MAX_CANDIDATES);
    listed.more = found.length > MAX_CANDIDATES || examined < candidates.length; // more names may hold the query
    return listed;
  }
}
