/* The API key panel: opened when the service answers 401; the key is kept in sessionStorage (this tab only). */
import { byId } from "./dom.js";
import { renderImages, scanImage } from "./images.js";
import { renderStatic } from "./render.js";
import { scanText } from "./scan.js";
import { state } from "./state.js";
import { KEY_STORE, sessionSet } from "./storage.js";

function showKeyPanel(open) {
  byId("key-panel").hidden = !open;
  byId("key-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  if (open) byId("key-input").focus();
}

let keyChanged = () => {};

/** Use `key` ("" forgets it) and check everything again that failed for want of a key. */
function setKey(key) {
  state.key = key;
  sessionSet(KEY_STORE, key);
  state.needKey = false;
  byId("key-input").value = "";
  renderStatic();
  scanText();
  state.images.forEach((im) => { if (im.status === "error" && /api_key/.test(im.error && im.error.code || "")) scanImage(im); });
  renderImages();
  keyChanged();
}

/** The service refused for want of a (valid) key: ask for one; a refused key is selected for retyping. */
export function noteNeedKey(err) {
  state.needKey = true;
  showKeyPanel(true);
  if (err.code === "invalid_api_key") byId("key-input").select();
}

/** onKeyChanged(): runs after a key is used or forgotten (main.js reloads the policy profiles). */
export function wireKeyPanel(onKeyChanged) {
  if (onKeyChanged) keyChanged = onKeyChanged;
  byId("key-toggle").addEventListener("click", () => { showKeyPanel(byId("key-panel").hidden); });
  byId("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = byId("key-input").value.trim();
    if (v) { setKey(v); showKeyPanel(false); }
  });
  byId("key-forget").addEventListener("click", () => { setKey(""); });
}
