/* The badge: the worst decision of the text scan and every image scan, and the highest score (the service bands
 * scores by decision, docs/api.md "Scores", so the highest score is the worst decision's). */
import { byId } from "./dom.js";
import { t } from "./i18n.js";
import { isOneText, state } from "./state.js";

const RANK = { pass: 0, review: 1, block: 2 };

function combined() {
  const parts = [];
  if (state.text) parts.push({ what: t("textPart"), decision: state.text.decision, score: state.text.score });
  // a review or Q&A entry has no images: pictures dropped in listing mode stay on the page but out of its badge
  if (!isOneText()) state.images.forEach((im) => {
    if (im.result && im.result.decision) parts.push({ what: t("imagesPart"), decision: im.result.decision, score: im.result.score, image: true });
  });
  if (!parts.length) return null;
  const worst = parts.reduce((acc, p) => (RANK[p.decision] > RANK[acc.decision] ? p : acc), parts[0]);
  const score = Math.max.apply(null, parts.map((p) => p.score || 0));
  const imgParts = parts.filter((p) => p.image);
  const imgDecision = imgParts.length ? imgParts.reduce((acc, p) => (RANK[p.decision] > RANK[acc] ? p.decision : acc), "pass") : null;
  return { decision: worst.decision, score, text: state.text && state.text.decision, images: imgDecision };
}

export function renderVerdict() {
  const c = combined(), badge = byId("badge");
  const d = c ? c.decision : "";
  badge.className = "badge badge-" + (d || "idle") + (state.scanning ? " busy" : "");
  badge.setAttribute("data-decision", d);
  badge.textContent = t(d ? "dec_" + d : "dec_idle");
  badge.setAttribute("aria-busy", state.scanning || state.images.some((im) => im.status === "scanning") ? "true" : "false");
  byId("score").textContent = c ? String(c.score) : "—";
  const detail = [];
  if (c && c.text) detail.push(t("textPart") + t("colon") + t("dec_" + c.text));
  if (c && c.images) detail.push(t("imagesPart") + t("colon") + t("dec_" + c.images));
  if (state.scanning) detail.push(t("scanning"));
  byId("verdict-detail").textContent = detail.join(" · ");
  const decidedBy = state.text && state.text.versions && state.text.versions.policy;  // the profile that decided
  byId("verdict-policy").textContent = decidedBy && decidedBy.name ? t("policyDecided", { p: decidedBy.name }) : "";
}
