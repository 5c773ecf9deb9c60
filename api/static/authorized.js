/* Brands the seller says they may sell: sent with every scan, kept for this tab's session only. */
import { announce, byId, el } from "./dom.js";
import { t } from "./i18n.js";
import { rescanThenFocus, scanText } from "./scan.js";
import { state } from "./state.js";
import { AUTH_STORE, sessionSet } from "./storage.js";

export function authorize(brand) {
  if (state.authorized.indexOf(brand) < 0) state.authorized.push(brand);
  sessionSet(AUTH_STORE, JSON.stringify(state.authorized));
  announce(t("authorizedNow", { b: brand }));
  renderAuthorized();
  rescanThenFocus(0);
}

function unauthorize(brand) {
  state.authorized = state.authorized.filter((b) => b !== brand);
  sessionSet(AUTH_STORE, state.authorized.length ? JSON.stringify(state.authorized) : "");
  renderAuthorized();
  scanText();
}

export function renderAuthorized() {
  const ul = byId("authorized-list");
  ul.innerHTML = "";
  byId("authorized-wrap").hidden = !state.authorized.length;
  state.authorized.forEach((b) => {
    ul.appendChild(el("li", { class: "chip" }, [
      b, " ",
      el("button", { type: "button", class: "ghost icon", "aria-label": t("unauthorize", { b }), text: "×",
        onclick: () => { unauthorize(b); } }),
    ]));
  });
}
