/* Listing | Review | Q&A (#20): the editor scans either a listing (title, description, bullets, images), one customer
 * review (a text and the listing id it is about) or one Q&A entry, whose speaker decides what counts (a seller's
 * answer is held to the listing's rules, a buyer's words are opinion: docs/contract.md "Reviews and Q&A"). A review's findings are highlighted in its text like a listing's;
 * what the buyer says about the goods (listing_signals) is listed apart, since it does not count against the review. */
import { byId, el } from "./dom.js";
import { isOneText, state } from "./state.js";

const LISTING_PARTS = ["f-title", "f-description", "f-bullets", "drop"];

function applyKind() {
  const oneText = isOneText();
  LISTING_PARTS.forEach((id) => { byId(id).closest(".field").hidden = oneText; });
  byId("review-fields").hidden = !oneText;
  byId("speaker-wrap").hidden = state.kind !== "qa";
  if (oneText) byId("authorized-wrap").hidden = true;
}

/** Wire the radio buttons; onChange() rescans and repaints. */
export function wireKindSwitch(onChange) {
  document.querySelectorAll('input[name="kind"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      if (!radio.checked) return;
      state.kind = radio.value;
      state.text = null; state.snap = null;  // the last answer was about the other kind
      applyKind();
      onChange();
    });
  });
  byId("f-listing-id").addEventListener("change", onChange);
  byId("f-speaker").addEventListener("change", onChange);
  applyKind();
}

export function renderSignals() {
  const list = (isOneText() && state.text && state.text.listing_signals) || [];
  byId("signals-wrap").hidden = !list.length;
  const box = byId("signals");
  box.innerHTML = "";
  list.forEach((s) => {
    box.appendChild(el("li", { class: "finding signal", "data-category": s.category }, [
      el("q", { class: "f-text", text: s.text }),
      el("div", { class: "muted small", text: state.lang === "zh" ? s.explanation_zh : s.explanation }),
    ]));
  });
}
