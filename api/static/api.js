/* The scanner service's HTTP API as the page uses it: the API key header and one error shape. */
import { state } from "./state.js";

// Asking for a key is the key panel's business, and the key panel needs scanning, which needs this
// module: main.js plugs the handler in instead of this module importing it.
let unauthorizedHandler = () => {};

/** handler(error) runs on every 401 answer (key missing or not accepted). */
export function onUnauthorized(handler) { unauthorizedHandler = handler; }

function headers(extra) {
  const h = extra || {};
  if (state.key) h["X-API-Key"] = state.key;
  return h;
}

/** fetch → {ok, status, body} or {ok: false, error: {code, message}}, or {aborted: true}. Never throws. */
export function call(path, opts) {
  opts = opts || {};
  return fetch(path, { method: opts.method || "GET", headers: headers(opts.headers), body: opts.body, signal: opts.signal })
    .then((resp) => {
      const type = resp.headers.get("content-type") || "";
      const parse = type.indexOf("json") >= 0 ? resp.json() : resp.blob();
      return parse.then((body) => {
        if (resp.ok && !(body && body.error)) return { ok: true, status: resp.status, body };
        const err = (body && body.error) || { code: "http_" + resp.status, message: "HTTP " + resp.status };
        if (resp.status === 401) unauthorizedHandler(err);
        return { ok: false, status: resp.status, error: err, body };
      }, () => ({ ok: false, status: resp.status, error: { code: "http_" + resp.status, message: "HTTP " + resp.status } }));
    }, (e) => {
      if (e && e.name === "AbortError") return { aborted: true };
      return { ok: false, status: 0, error: { code: "network", message: String(e && e.message || e) } };
    });
}
