/* The findings list beside the editor: one item per text finding with its actions. */
import { authorize } from "./authorized.js";
import { byId, cssEscape, el } from "./dom.js";
import { effectOf, fieldLabel, findingKey, locate, orderFindings, suggestionText, textFindings } from "./findings.js";
import { categoryLabel, t } from "./i18n.js";
import { state } from "./state.js";
import { applyOne, hasSuggested, showInText } from "./suggestions.js";
import { setActive } from "./tooltip.js";

function findingItem(f, idx) {
  const key = findingKey(f), loc = locate(f), effect = effectOf(f);
  const actions = [];
  if (f.suggestion != null && effect !== "none") {
    actions.push(el("button", { type: "button", "data-role": "apply", disabled: !loc, text: t("apply"),
      onclick: () => { applyOne(f, idx); } }));
  }
  if (f.category === "brand" && f.brand && effect !== "none") {
    actions.push(el("button", { type: "button", "data-role": "authorize", class: "secondary", text: t("authorize"),
      onclick: () => { authorize(f.brand); } }));
  }
  if (loc) {
    actions.push(el("button", { type: "button", "data-role": "show", class: "ghost", text: t("show"),
      onclick: () => { showInText(f); } }));
  }
  const head = el("div", { class: "f-head", tabindex: "0", "data-role": "head",
    "aria-label": categoryLabel(f.category) + ": " + f.text + ". " + t("eff_" + effect) + ". " + suggestionText(f),
    onfocus: () => { setActive(key, null, false); }, onblur: () => { setActive(null); },
    onmouseenter: () => { setActive(key, null, false); }, onmouseleave: () => { setActive(null); } }, [
    el("span", { class: "chip cat-" + f.category, text: categoryLabel(f.category) }),
    el("q", { class: "f-text", text: f.text }),
    el("span", { class: "f-sug", text: suggestionText(f) }),
    el("span", { class: "f-meta" }, [
      el("span", { class: "sev sev-" + f.severity, text: t("sev_" + f.severity) }),
      el("span", { class: "eff eff-" + effect, text: t("eff_" + effect) }),
      el("span", { class: "muted", text: fieldLabel(f.field) + (loc ? "" : " " + t("otherField")) }),
    ]),
  ]);
  return el("li", { class: "finding eff-" + effect + " cat-" + f.category, "data-key": key,
    "data-category": f.category, "data-effect": effect }, [
    head,
    el("div", { class: "f-why small" }, [
      el("span", { class: "muted", text: t("term") + t("colon") }), f.term || "", "  ",
      el("span", { class: "muted", text: t("why") + t("colon") }), f.explanation || "",
    ]),
    actions.length ? el("div", { class: "f-actions" }, actions) : null,
  ]);
}

/** Rebuild the list; a keyboard user focused inside it stays on the same finding and the same button. */
export function renderFindings() {
  const ol = byId("findings");
  const focused = document.activeElement && ol.contains(document.activeElement) ? document.activeElement : null;
  const focusKey = focused && focused.closest("[data-key]") && focused.closest("[data-key]").getAttribute("data-key");
  const focusRole = focused && focused.getAttribute("data-role");
  ol.innerHTML = "";
  const list = orderFindings(textFindings());
  list.forEach((f, idx) => { ol.appendChild(findingItem(f, idx)); });
  byId("findings-count").textContent = state.text ? "(" + list.length + ")" : "";
  byId("no-findings").hidden = !state.text || list.length > 0;
  byId("apply-all").disabled = !hasSuggested();
  if (focusKey) {
    const again = ol.querySelector('[data-key="' + cssEscape(focusKey) + '"]');
    const target = again && (again.querySelector('[data-role="' + focusRole + '"]:not([disabled])') || again.querySelector(".f-head"));
    if (target) target.focus();
  }
}
