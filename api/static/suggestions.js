/* Applying the service's suggested rewrites: one at a time, all at once, or into a cleaned copy on the clipboard.
 * scanner/text/rewrite.py applies the same rules on the server side. */
import { announce, byId, el } from "./dom.js";
import { applicable, effectOf, locate, textFindings } from "./findings.js";
import { t } from "./i18n.js";
import { rescanThenFocus, scanText } from "./scan.js";
import { fields } from "./state.js";
import { setActive } from "./tooltip.js";

/** Replace [a, b) in a textarea the way typing would, so the browser's undo (Ctrl+Z) can take it back. */
function replaceRange(input, a, b, text) {
  input.focus();
  input.setSelectionRange(a, b);
  let ok = false;
  try { ok = document.execCommand(text ? "insertText" : "delete", false, text); } catch (e) { ok = false; }
  if (!ok || input.value.slice(a, a + text.length) !== text) {
    input.setRangeText(text, a, b, "end");
  }
}

/** The replacement for a span; deleting words must not leave a double space behind. */
function tidy(value, a, b, text) {
  if (text !== "") return { a, b, text };
  const before = value.charAt(a - 1), after = value.charAt(b);
  if (/[ \t]/.test(after) && (a === 0 || /[ \t]/.test(before))) b += 1;
  return { a, b, text };
}

/** Apply one finding's suggestion; idx is its place in the list, where focus returns after the rescan. */
export function applyOne(f, idx) {
  const loc = locate(f);
  if (!loc) { announce(t("stale")); scanText(); return; }
  const r = tidy(loc.el.value, loc.a, loc.b, f.suggestion);
  replaceRange(loc.el, r.a, r.b, r.text);
  announce(t("applied", { a: f.text, b: f.suggestion === "" ? "∅" : f.suggestion }));
  setActive(null);
  rescanThenFocus(idx);
}

/** Rewrites per field from the END backwards so earlier offsets stay valid; overlaps are skipped. */
function rewritten(name, findings) {
  let value = fields[name].value;
  const spans = findings.map((f) => { const loc = locate(f); return loc && loc.name === name ? { loc, f } : null; })
    .filter(Boolean).sort((x, y) => y.loc.a - x.loc.a || y.loc.b - x.loc.b);
  let limit = Infinity, count = 0;
  spans.forEach((s) => {
    if (s.loc.b > limit) return;
    const r = tidy(value, s.loc.a, s.loc.b, s.f.suggestion);
    value = value.slice(0, r.a) + r.text + value.slice(r.b);
    limit = r.a;
    count += 1;
  });
  return { value, count };
}

export function applyAll() {
  const list = applicable(textFindings());
  let total = 0;
  Object.keys(fields).forEach((name) => {
    const r = rewritten(name, list);
    if (r.count) {
      replaceRange(fields[name], 0, fields[name].value.length, r.value);
      total += r.count;
    }
  });
  announce(total ? t("appliedAll", { n: total }) : t("nothingToApply"));
  rescanThenFocus(null, byId("apply-all"));
}

/** The listing with every suggestion applied (the editor untouched); manual: findings that still need a person. */
function cleanedText() {
  const list = applicable(textFindings()), parts = {};
  let n = 0;
  Object.keys(fields).forEach((name) => { const r = rewritten(name, list); parts[name] = r.value; n += r.count; });
  const text = [parts.title, parts.description, parts.bullets].filter((s) => s && s.trim()).join("\n\n");
  const manual = textFindings().filter((f) => effectOf(f) !== "none").length - n;
  return { text, n, manual: Math.max(0, manual) };
}

/** Copy the cleaned text; without clipboard access, leave it selected in a textarea for the reader to copy. */
export function copyClean() {
  const c = cleanedText();
  const done = () => { announce(t("copied", { n: c.n, m: c.manual })); };
  const fallback = () => {
    const area = el("textarea", { class: "copy-fallback", "aria-label": t("copyClean") });
    area.value = c.text;
    byId("action-status").after(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    if (ok) { area.remove(); done(); } else announce(t("copyFailed"));
  };
  byId("copy-clean").setAttribute("data-copied", c.text);
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(c.text).then(done, fallback);
  else fallback();
}

export function showInText(f) {
  const loc = locate(f);
  if (!loc) return;
  loc.el.focus();
  loc.el.setSelectionRange(loc.a, loc.b);
}
