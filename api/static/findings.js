/* What a text finding is on this page: where its words sit in the editor now, its identity, order and wording. */
import { t } from "./i18n.js";
import { bulletLines, cpToJs, remap } from "./offsets.js";
import { fields, state } from "./state.js";

/** Worse effects sort and paint first. */
export const EFFECT_RANK = { none: 0, review: 1, block: 2 };

/** A finding without an effect counts as review (older services did not send one). */
export function effectOf(f) { return f.effect || "review"; }

export function textFindings() {
  return (state.text && state.text.findings || []).filter((f) => f.kind !== "image");
}

export function findingKey(f) { return [f.field, f.start, f.end, f.category, f.term].join("|"); }

/** Where a text finding sits in the editor NOW: {name, el, a, b} in JS indices, or null. */
export function locate(f) {
  if (f.kind !== "text" || f.start == null || !state.snap) return null;
  let name, base, a, b;
  const m = /^bullets\[(\d+)\]$/.exec(f.field || "");
  if (f.field === "title" || f.field === "description" || f.field === "text") {
    name = f.field;
    base = state.snap[name];
    a = cpToJs(base, f.start); b = cpToJs(base, f.end);
  } else if (m) {
    name = "bullets";
    base = state.snap.bullets;
    const info = bulletLines(base), line = info.map[+m[1]];
    if (line == null) return null;
    const text = info.lines[line], off = info.offsets[line];
    a = off + cpToJs(text, f.start); b = off + cpToJs(text, f.end);
  } else {
    return null;
  }
  const now = fields[name].value;
  const span = remap(base, now, a, b);
  if (!span || !readsAs(now.slice(span[0], span[1]), f.text)) return null;
  return { name, el: fields[name], a: span[0], b: span[1] };
}

/** The words at a finding's span still read as its text; personal data comes masked, * for each hidden character. */
function readsAs(words, text) {
  if (words === text) return true;
  const w = Array.from(words), m = Array.from(text || "");
  return w.length === m.length && m.every((c, i) => c === "*" || c === w[i]);
}

/** Worst effect first, then title, description, bullets, then position. */
export function orderFindings(list) {
  const fieldOrder = (f) => (f.field === "title" ? 0 : f.field === "description" ? 1 : 2);
  return list.slice().sort((x, y) =>
    (EFFECT_RANK[effectOf(y)] - EFFECT_RANK[effectOf(x)]) ||
    (fieldOrder(x) - fieldOrder(y)) || String(x.field).localeCompare(String(y.field)) || (x.start - y.start));
}

export function suggestionText(f) {
  if (f.suggestion == null) return t("sugNone");
  if (f.suggestion === "") return t("sugDelete");
  return "→ " + f.suggestion;
}

export function fieldLabel(field) {
  if (field === "title") return t("fTitle");
  if (field === "description") return t("fDescription");
  if (field === "text") return t("fText");
  const m = /^bullets\[(\d+)\]$/.exec(field || "");
  if (m) return t("fBullets") + " " + (+m[1] + 1);
  return field || "";
}
