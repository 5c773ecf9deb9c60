/* What the page knows right now, shared by every module; the editor's three text fields. */
import { byId } from "./dom.js";
import { AUTH_STORE, KEY_STORE, LANG_STORE, localGet, parseList, sessionGet } from "./storage.js";

function pickLang() {
  const saved = localGet(LANG_STORE);
  if (saved === "en" || saved === "zh") return saved;
  return /^zh/i.test(navigator.language || "") ? "zh" : "en";
}

export const state = {
  lang: pickLang(),
  key: sessionGet(KEY_STORE) || "",
  authorized: parseList(sessionGet(AUTH_STORE)),
  text: null,          // last text scan result
  snap: null,          // {title, description, bullets}: editor values that result belongs to
  textError: null,
  scanning: false,
  images: [],          // {uid, file, url, status: "scanning"|"done"|"error", result, error}
  thumbs: {},          // gallery id -> object URL | null (unavailable) | Promise
  seq: 0,
  activeKey: null,     // finding key currently shown in the tooltip
  needKey: false,
  versions: null,      // GET /readyz versions, for the footer
  policies: [],        // GET /v1/policies: {name, hash, description, default, allowed} (policies.js)
  policy: null,        // the profile chosen, sent as options.policy; null until the list is loaded
  policyPinned: false, // the key is pinned to its profile: the select is disabled
  kind: "listing",     // "listing" | "review" | "qa": what the editor scans (kinds.js, #20)
};

/** The editor's text fields by listing field name (bullets: one per line). */
/** Reviews and Q&A are one text about a listing (kinds.js); only Q&A has a choice of speaker (a review is a buyer's). */
export function isOneText() { return state.kind === "review" || state.kind === "qa"; }

export const fields = {
  title: byId("f-title"),
  description: byId("f-description"),
  bullets: byId("f-bullets"),
  text: byId("f-text"),  // a review's one field (review mode, kinds.js)
};
