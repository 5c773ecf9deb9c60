/* Small DOM helpers shared by every part of the page. */

export function byId(id) { return document.getElementById(id); }

/** el("button", {class, text, onclick, ...attrs}, [children]): null/false attributes and null children are skipped. */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach((k) => {
    const v = attrs[k];
    if (v == null || v === false) return;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  });
  (children || []).forEach((c) => { if (c != null) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
  return node;
}

export function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

export function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }

/** Say what an action did in the status line (a polite live region, so screen readers hear it too). */
export function announce(msg) { byId("action-status").textContent = msg; }
