/* Applying the service's suggested rewrites: one finding's at a time (its `suggestion`), or the whole suggested
 * copy the service sends (`suggested`, asked for with "options": {"suggest": true}; scanner/text/rewrite.py is
 * its one definition: clauses, verbs and amounts deleted with the words, the copy tidied) into the editor or
 * onto the clipboard. */
import { announce, byId, el } from "./dom.js";
import { locate } from "./findings.js";
import { bulletLines } from "./offsets.js";
import { t } from "./i18n.js";
import { rescanThenFocus, scanText } from "./scan.js";
import { fields, isOneText, state } from "./state.js";
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

/** The editor's fields with the server's suggested copy (`suggested`, scanner/text/rewrite.py: the one definition
 * of "every rewrite applied") put in; null when the editor changed since that scan. Bullets: the suggested
 * bullets[i] replaces the i-th non-empty line. */
function suggestedValues() {
  const r = state.text, snap = state.snap;
  if (!r || !r.suggested || !snap) return null;
  if (Object.keys(fields).some((name) => fields[name].value !== snap[name])) return null;
  const out = { title: snap.title, description: snap.description, bullets: snap.bullets, text: snap.text };
  if (r.suggested.text != null) out.text = r.suggested.text;  // a review's one field (kinds.js)
  if (r.suggested.title != null) out.title = r.suggested.title;
  if (r.suggested.description != null) out.description = r.suggested.description;
  const info = bulletLines(snap.bullets), lines = info.lines.slice();
  info.map.forEach((line, i) => { const s = r.suggested["bullets[" + i + "]"]; if (s != null) lines[line] = s; });
  out.bullets = lines.join("\n");
  return out;
}

/** Whether "Apply all" has anything to apply (the last scan suggested a change). */
export function hasSuggested() {
  return Boolean(state.text && state.text.suggested && Object.keys(state.text.suggested).length);
}

export function applyAll() {
  const values = suggestedValues();
  if (!values) { scanText().then(() => { if (suggestedValues()) applyAll(); }); return; }  // stale: check first
  let changed = 0;
  Object.keys(fields).forEach((name) => {
    if (values[name] !== fields[name].value) {
      replaceRange(fields[name], 0, fields[name].value.length, values[name]);
      changed += 1;
    }
  });
  announce(changed ? t("appliedAll", { n: changed }) : t("nothingToApply"));
  rescanThenFocus(null, byId("apply-all"));
}

/** The listing with the suggested copy (the editor untouched); manual: findings that still need a person. */
function cleanedText() {
  const v = suggestedValues() || { title: fields.title.value, description: fields.description.value, bullets: fields.bullets.value };
  const text = isOneText() ? (v.text != null ? v.text : fields.text.value)
    : [v.title, v.description, bulletLines(v.bullets).list.join("\n")].filter((s) => s && s.trim()).join("\n\n");
  const r = state.text || {};
  const n = Object.keys(r.suggested || {}).length;
  return { text, n, manual: r.suggested_manual || 0 };
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
