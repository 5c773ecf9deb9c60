/* Repainting the whole page: after a scan answer, and when the language changes. */
import { renderAuthorized } from "./authorized.js";
import { byId } from "./dom.js";
import { renderError } from "./errors.js";
import { renderFindings } from "./findings-list.js";
import { renderBackdrops, renderLegend } from "./highlight.js";
import { t } from "./i18n.js";
import { renderImages } from "./images.js";
import { renderSignals } from "./kinds.js";
import { state } from "./state.js";
import { renderVerdict } from "./verdict.js";

/** The words fixed in index.html (data-i18n), in the current language. */
export function renderStatic() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.getAttribute("data-i18n")); });
  byId("lang-toggle").textContent = t("langOther");
  document.title = t("title");
  byId("conn").textContent = state.key ? t("keyStored") : "";
  const v = state.versions;
  if (v) {
    byId("foot").textContent = "scanner " + (v.scanner || "") + " · " + t("wordlists") + " " + String(v.wordlists || "").slice(0, 15) +
      " · " + t("gallery") + " " + String(v.gallery || "").slice(0, 15);
  }
  renderLegend();
}

export function renderAll() {
  renderBackdrops();
  renderFindings();
  renderVerdict();
  renderError();
  renderAuthorized();
  renderImages();
  renderSignals();
}
