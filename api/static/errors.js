/* Error envelopes from the service, shown as a plain sentence with the service's own words beside it. */
import { byId, el } from "./dom.js";
import { formatBytes, hasString, t } from "./i18n.js";
import { state } from "./state.js";

/** A plain-language sentence for an error envelope; unknown codes fall back to the service's message. */
function plainError(err) {
  const code = err.code || "", msg = err.message || "";
  if (code === "network") return t("err_network", { m: msg });
  let key = "err_" + code;
  if (!hasString(key) && /^too_many/.test(code)) key = "err_too_many_images";
  if (!hasString(key)) return msg || code;
  const limit = /limit(?: is)? (\d+) bytes/.exec(msg) || /exceeds (\d+) bytes/.exec(msg);
  return t(key, { limit: limit ? formatBytes(+limit[1]) : "?" });
}

export function errorNode(err) {
  return el("span", { class: "err" }, [
    el("strong", { text: plainError(err) }),
    " ",
    el("span", { class: "muted small", text: "(" + (err.code || "") + (err.message ? ": " + err.message : "") + ")" }),
  ]);
}

/** The text scan's error, if any, in the alert box above the editor. */
export function renderError() {
  const box = byId("error-box");
  box.innerHTML = "";
  if (state.textError) box.appendChild(errorNode(state.textError));
  box.hidden = !state.textError;
}
