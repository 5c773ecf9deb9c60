/* Coloured highlights behind the textareas: each field has a backdrop div with the same text, where the
 * finding spans are <mark>s; the textarea above it is transparent. */
import { TEXT_CATEGORIES } from "./categories.js";
import { byId, el, escapeHtml } from "./dom.js";
import { EFFECT_RANK, effectOf, findingKey, locate, textFindings } from "./findings.js";
import { categoryLabel, t } from "./i18n.js";
import { fields, state } from "./state.js";

/** Repaint every backdrop from the current findings; overlapping spans are cut into pieces and each piece is
 *  coloured by its worst finding, with data-keys listing every finding it belongs to. */
export function renderBackdrops() {
  const spans = { title: [], description: [], bullets: [], text: [] };
  textFindings().forEach((f) => {
    const loc = locate(f);
    if (loc) spans[loc.name].push({ a: loc.a, b: loc.b, f });
  });
  Object.keys(fields).forEach((name) => {
    const input = fields[name], value = input.value, list = spans[name];
    let cuts = [0, value.length];
    list.forEach((s) => { cuts.push(s.a, s.b); });
    cuts = cuts.filter((v, i, arr) => arr.indexOf(v) === i).sort((x, y) => x - y);
    let html = "";
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i], b = cuts[i + 1], piece = escapeHtml(value.slice(a, b));
      const covering = list.filter((s) => s.a <= a && s.b >= b);
      if (!covering.length) { html += piece; continue; }
      covering.sort((x, y) => EFFECT_RANK[effectOf(y.f)] - EFFECT_RANK[effectOf(x.f)]);
      const top = covering[0].f;
      const keys = covering.map((s) => findingKey(s.f));
      const active = keys.indexOf(state.activeKey) >= 0 ? " active" : "";
      html += '<mark class="hl cat-' + top.category + " eff-" + effectOf(top) + active +
        '" data-keys="' + escapeHtml(JSON.stringify(keys)) + '">' + piece + "</mark>";
    }
    // A trailing newline needs a character after it or the backdrop is one line short.
    input.parentNode.querySelector(".hl-backdrop").innerHTML = html + "\u200b";
    autosize(input);
  });
}

/** Grow the textarea to its content, so the backdrop never needs its own scrolling. */
export function autosize(input) {
  input.style.height = "auto";
  input.style.height = input.scrollHeight + "px";
}

export function renderLegend() {
  const box = byId("legend");
  box.innerHTML = "";
  TEXT_CATEGORIES.forEach((c) => {
    box.appendChild(el("span", { class: "legend-item" }, [el("mark", { class: "hl cat-" + c + " eff-review", text: categoryLabel(c) })]));
  });
  box.appendChild(el("span", { class: "legend-item" }, [el("mark", { class: "hl cat-brand eff-none", text: t("eff_none") })]));
}
