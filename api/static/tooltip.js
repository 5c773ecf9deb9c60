/* Explaining a finding where it sits: outline its words in the editor and, on hover or when the caret
 * moves onto them, show a floating explanation (#tip). */
import { byId, el } from "./dom.js";
import { effectOf, findingKey, locate, suggestionText, textFindings } from "./findings.js";
import { categoryLabel, t } from "./i18n.js";
import { state } from "./state.js";

/** Outline the finding's words in the editor; with withTip !== false also show the floating explanation.
 *  key null: outline nothing, hide the tip. */
export function setActive(key, anchor, withTip) {
  state.activeKey = key;
  document.querySelectorAll("mark.hl.active").forEach((m) => { m.classList.remove("active"); });
  const tip = byId("tip");
  if (!key) { tip.hidden = true; return; }
  const f = textFindings().filter((x) => findingKey(x) === key)[0];
  if (!f) { tip.hidden = true; return; }
  const marks = Array.prototype.filter.call(document.querySelectorAll("mark.hl[data-keys]"),
    (m) => JSON.parse(m.getAttribute("data-keys")).indexOf(key) >= 0);
  marks.forEach((m) => { m.classList.add("active"); });
  if (withTip === false) { tip.hidden = true; return; }
  tip.innerHTML = "";
  tip.appendChild(el("div", { class: "tip-head" }, [
    el("span", { class: "chip cat-" + f.category, text: categoryLabel(f.category) }),
    el("span", { class: "eff eff-" + effectOf(f), text: t("eff_" + effectOf(f)) }),
  ]));
  tip.appendChild(el("dl", {}, [
    el("dt", { text: t("term") }), el("dd", { text: f.term + (f.brand && f.category === "brand" ? " (" + f.brand + ")" : "") }),
    el("dt", { text: t("severity") }), el("dd", { text: t("sev_" + f.severity) + " · " + Math.round((f.score || 0) * 100) + "%" }),
    el("dt", { text: t("suggestion") }), el("dd", { text: suggestionText(f) }),
    el("dt", { text: t("why") }), el("dd", { text: f.explanation || "" }),
  ]));
  tip.hidden = false;
  const ref = (marks[0] || anchor);
  if (!ref) return;
  const r = ref.getBoundingClientRect();
  const tw = tip.offsetWidth, th = tip.offsetHeight;
  const x = Math.min(Math.max(8, r.left), window.innerWidth - tw - 8);
  let y = r.bottom + 6;
  if (y + th > window.innerHeight - 8) y = Math.max(8, r.top - th - 6);
  tip.style.left = x + window.scrollX + "px";
  tip.style.top = y + window.scrollY + "px";
}

/** The textarea sits above the marks, so find the mark under the pointer through the whole element stack. */
export function hoverTextarea(ev) {
  const stack = document.elementsFromPoint(ev.clientX, ev.clientY);
  const mark = stack.filter((n) => n.matches && n.matches("mark.hl[data-keys]"))[0];
  const key = mark ? JSON.parse(mark.getAttribute("data-keys"))[0] : null;
  if (key !== state.activeKey) setActive(key);
}

/** The caret (or selection) is inside a finding's words: explain that finding. */
export function caretCheck(ev) {
  const input = ev.target, name = input.getAttribute("data-field"), pos = input.selectionStart;
  let hit = null;
  textFindings().forEach((f) => {
    const loc = locate(f);
    if (!hit && loc && loc.name === name && pos >= loc.a && pos <= loc.b && input.selectionEnd <= loc.b) hit = f;
  });
  const key = hit ? findingKey(hit) : null;
  if (key !== state.activeKey) setActive(key);
}
