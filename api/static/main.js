/* Listing compliance editor — plain ES modules, no build step, public API only.
 *
 * Text is scanned with POST /v1/scan (debounced while typing, scan.js); every image is scanned on its own
 * with POST /v1/scan/image (images.js). The badge shows the worst decision of all of them (verdict.js).
 * This module wires the page's controls to those parts and starts it.
 */
import { call, onUnauthorized } from "./api.js";
import { loadCategories } from "./categories.js";
import { announce, byId } from "./dom.js";
import { autosize, renderBackdrops } from "./highlight.js";
import { scanImage, wireImageDrop } from "./images.js";
import { noteNeedKey, wireKeyPanel } from "./key-panel.js";
import { loadPolicies, renderPolicies, wirePolicies } from "./policies.js";
import { cpToJs } from "./offsets.js";
import { wireKindSwitch } from "./kinds.js";
import { renderAll, renderStatic } from "./render.js";
import { afterEachScan, scanText, schedule } from "./scan.js";
import { fields, state } from "./state.js";
import { LANG_STORE, localSet } from "./storage.js";
import { applyAll, copyClean } from "./suggestions.js";
import { caretCheck, hoverTextarea, setActive } from "./tooltip.js";

const NAV_KEYS = /^(Arrow|Home|End|Page)/;  // the caret moved without typing: explain the finding it is in

onUnauthorized(noteNeedKey);
afterEachScan(renderAll);

function wireEditor() {
  Object.keys(fields).forEach((name) => {
    const input = fields[name];
    input.addEventListener("input", (ev) => {
      setActive(null);
      renderBackdrops();
      if (!ev.isComposing) schedule();  // IME (pinyin) composition: check once the characters are chosen
    });
    input.addEventListener("compositionend", schedule);
    input.addEventListener("scroll", () => { input.parentNode.querySelector(".hl-backdrop").scrollTop = input.scrollTop; });
    input.addEventListener("mousemove", hoverTextarea);
    input.addEventListener("mouseleave", () => { setActive(null); });
    input.addEventListener("keyup", (ev) => { if (NAV_KEYS.test(ev.key)) caretCheck(ev); });
    input.addEventListener("click", caretCheck);
    input.addEventListener("blur", () => { setActive(null); });
  });
  // A title is one line: Enter does nothing, and pasted line breaks become spaces (before the scan sees them).
  fields.title.addEventListener("keydown", (ev) => { if (ev.key === "Enter") ev.preventDefault(); });
  fields.title.addEventListener("input", () => {
    if (/\n/.test(fields.title.value)) {
      const pos = fields.title.selectionStart;
      fields.title.value = fields.title.value.replace(/\r?\n/g, " ");
      fields.title.setSelectionRange(pos, pos);
    }
  }, true);
}

function toggleLanguage() {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localSet(LANG_STORE, state.lang);
  announce("");  // the last action's note was in the other language
  renderStatic();
  renderAll();
  renderPolicies();
  rescanAll();  // explanations are written by the service in the language asked for: ask again
}

/** Scan the text and every image again (the language or the policy profile changed). */
function rescanAll() {
  scanText();
  state.images.forEach((im) => { if (im.result) scanImage(im); });
}

/** Versions of the scanner, word lists and gallery in the footer, for bug reports (repainted by renderStatic). */
function footer() {
  call("/readyz").then((r) => {
    if (!r.ok || !r.body.versions) return;
    state.versions = r.body.versions;
    renderStatic();
  });
}

wireEditor();
byId("apply-all").addEventListener("click", applyAll);
byId("copy-clean").addEventListener("click", copyClean);
byId("lang-toggle").addEventListener("click", toggleLanguage);
wireKeyPanel(() => { loadPolicies().then(rescanAll); });  // another key may apply (or pin) another profile
wireImageDrop();
wirePolicies(rescanAll);
wireKindSwitch(() => { setActive(null); renderAll(); scanText(); });
document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") setActive(null); });
window.addEventListener("resize", () => { Object.keys(fields).forEach((n) => { autosize(fields[n]); }); });

// exposed for tests and debugging only
window.ScannerEditor = { cpToJs, state, scanNow: scanText };

renderStatic();
renderAll();
loadCategories().then((loaded) => { if (loaded) { renderStatic(); renderAll(); } });
footer();
// The first scan waits for the profile list, so it is decided under the profile shown; it also tells us at
// once whether the service wants a key.
loadPolicies().then(scanText, scanText);
