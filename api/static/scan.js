/* Scanning the text: POST /v1/scan, debounced while typing; only the newest answer is kept. */
import { call } from "./api.js";
import { byId } from "./dom.js";
import { renderBackdrops } from "./highlight.js";
import { scanOptions } from "./i18n.js";
import { bulletLines } from "./offsets.js";
import { fields, isOneText, state } from "./state.js";
import { renderVerdict } from "./verdict.js";

const DEBOUNCE_MS = 300;

let timer = null;
let inflight = null;   // AbortController of the scan under way

// Repainting the page needs the findings list, whose buttons need scanning: main.js plugs the
// repaint in here instead of this module importing it.
let renderAfterScan = () => {};

/** render() runs after every text scan answer that is still the newest. */
export function afterEachScan(render) { renderAfterScan = render; }

function listingBody() {
  if (isOneText()) {  // a customer review or Q&A entry (#20): one text, findings in field "text"
    const listingId = byId("f-listing-id").value.trim();
    const body = { kind: state.kind, listing_id: listingId || null, text: fields.text.value };
    if (state.kind === "qa") body.speaker = byId("f-speaker").value;
    body.options = { ...scanOptions(), suggest: true };
    return body;
  }
  const info = bulletLines(fields.bullets.value);
  const body = { title: fields.title.value, description: fields.description.value };
  if (info.list.length) body.bullets = info.list;
  if (state.authorized.length) body.seller = { authorized_brands: state.authorized.slice() };
  body.locale = state.lang === "zh" ? "zh-CN" : "en";
  body.options = { ...scanOptions(), suggest: true };  // `suggested`: what "Apply all" and "Copy cleaned text" use
  return body;
}

/** Scan once typing pauses. */
export function schedule() {
  clearTimeout(timer);
  timer = setTimeout(scanText, DEBOUNCE_MS);
}

/** Scan now, abandoning any scan under way; resolves once the answer is shown. */
export function scanText() {
  clearTimeout(timer);
  if (inflight) inflight.abort();
  const ctrl = window.AbortController ? new AbortController() : null;
  inflight = ctrl;
  const seq = ++state.seq;
  const snap = { title: fields.title.value, description: fields.description.value, bullets: fields.bullets.value,
    text: fields.text.value };
  state.scanning = true;
  renderVerdict();
  return call("/v1/scan", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(listingBody()), signal: ctrl && ctrl.signal,
  }).then((r) => {
    if (r.aborted || seq !== state.seq) return;
    inflight = null;
    state.scanning = false;
    if (r.ok) {
      state.text = r.body; state.snap = snap; state.textError = null;
    } else {
      state.textError = r.error;
    }
    renderAfterScan();
  });
}

/** After an edit: repaint at once, scan, then put focus back on the idx-th finding (or fallback, or the heading). */
export function rescanThenFocus(idx, fallback) {
  renderBackdrops();
  scanText().then(() => {
    const heads = byId("findings").querySelectorAll(".f-head");
    const target = idx != null && heads.length ? heads[Math.min(idx, heads.length - 1)] : null;
    (target || fallback || byId("findings-heading")).focus();
  });
}
