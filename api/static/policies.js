/* The policy profile a scan is decided under (#20): a <select> filled from GET /v1/policies (the service's
 * profiles, the one applying to this key preselected), sent as options.policy (i18n.js scanOptions) and kept
 * in the page state across scans. A key pinned to one profile shows the select disabled on it. */
import { call } from "./api.js";
import { byId, el } from "./dom.js";
import { state } from "./state.js";
import { t } from "./i18n.js";

let chosen = false;  // the reader picked a profile: kept across scans and key changes while it is allowed

/** Loads the list for the current key; resolves true once state.policies is filled. The reader's choice is
 * kept while it is offered and allowed; otherwise the profile applying to this key is selected. */
export function loadPolicies() {
  return call("/v1/policies").then((r) => {
    if (!r.ok || !r.body || !Array.isArray(r.body.policies)) return false;
    state.policies = r.body.policies;
    state.policyPinned = Boolean(r.body.pinned);
    const kept = chosen && state.policies.find((p) => p.name === state.policy && p.allowed);
    const dflt = state.policies.find((p) => p.default) || state.policies[0];
    state.policy = kept ? kept.name : (dflt ? dflt.name : null);
    renderPolicies();
    return true;
  });
}

function described(p) {
  const d = p.description || {};
  return d[state.lang] || d.en || "";
}

/** The select and the chosen profile's description, in the current language. */
export function renderPolicies() {
  const select = byId("policy-select");
  const list = state.policies || [];
  select.replaceChildren(...list.map((p) => el("option", {
    value: p.name, text: p.name + (p.default ? " " + t("policyDefault") : ""), disabled: !p.allowed,
    selected: p.name === state.policy,
  })));
  select.value = state.policy || "";
  select.disabled = !list.length || state.policyPinned;
  const chosen = list.find((p) => p.name === state.policy);
  byId("policy-desc").textContent = (chosen ? described(chosen) : "") + (state.policyPinned ? " " + t("policyPinned") : "");
}

/** onChange(): runs after the reader picks another profile (main.js scans again). */
export function wirePolicies(onChange) {
  byId("policy-select").addEventListener("change", (ev) => {
    state.policy = ev.target.value;
    chosen = true;
    renderPolicies();
    onChange();
  });
}
