/* Browser storage that never throws: private modes and disabled storage just mean nothing is remembered. */

export const KEY_STORE = "scanner.apiKey";                 // sessionStorage: the key lives only as long as the tab
export const AUTH_STORE = "scanner.authorizedBrands";      // sessionStorage: JSON list of brand names
export const LANG_STORE = "scanner.lang";                  // localStorage: the reader's language choice persists

export function sessionGet(k) { try { return window.sessionStorage.getItem(k); } catch (e) { return null; } }

/** An empty value removes the entry, so "forget" leaves nothing behind. */
export function sessionSet(k, v) {
  try { if (v) window.sessionStorage.setItem(k, v); else window.sessionStorage.removeItem(k); } catch (e) { /* private mode */ }
}

export function localGet(k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } }

export function localSet(k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* ignore */ } }

/** A stored JSON list, or [] for anything else (missing, hand-edited, corrupt). */
export function parseList(s) {
  try { const v = JSON.parse(s || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; }
}
