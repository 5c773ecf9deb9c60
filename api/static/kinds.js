/* Listing | Review (#20): the editor scans either a listing (title, description, bullets, images) or one customer
 * review (a text and the listing id it is about). A review's findings are highlighted in its text like a listing's;
 * what the buyer says about the goods (listing_signals) is listed apart, since it does not count against the review. */
import { byId, el } from "./dom.js";
import { state } from "./state.js";

const LISTING_PARTS = ["f-title", "f-description", "f-bullets", "drop"];

function applyKind() {
  const review = state.kind === "review";
  LISTING_PARTS.forEach((id) => { byId(id).closest(".field").hidden = review; });
  byId("review-fields").hidden = !review;
  if (review) byId("authorized-wrap").hidden = true;
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
  applyKind();
}

export function renderSignals() {
  const list = (state.kind === "review" && state.text && state.text.listing_signals) || [];
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
