/* Offsets from the service are Python str indices (code points). JS strings are UTF-16, so every
 * offset goes through cpToJs() before touching a textarea (emoji are 2 JS units). */

/** JS (UTF-16) index of code point `cp` in `s`. */
export function cpToJs(s, cp) {
  let i = 0, c = 0;
  while (c < cp && i < s.length) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      i += (next >= 0xdc00 && next <= 0xdfff) ? 2 : 1;
    } else {
      i += 1;
    }
    c += 1;
  }
  return i;
}

/** Map [a, b) in `from` to `to` when the edit between them did not touch the span; null when it did. */
export function remap(from, to, a, b) {
  if (from === to) return [a, b];
  const n = Math.min(from.length, to.length);
  let p = 0;
  while (p < n && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  let s = 0;
  while (s < n - p && from.charCodeAt(from.length - 1 - s) === to.charCodeAt(to.length - 1 - s)) s++;
  if (b <= p) return [a, b];
  if (a >= from.length - s) return [a + to.length - from.length, b + to.length - from.length];
  return null;
}

/** The bullets textarea as the service sees it: non-blank lines only, with where each sits in the textarea.
 *  list: the bullets sent; map[i]: line index of bullet i; offsets[line]: JS index where that line starts. */
export function bulletLines(value) {
  const lines = value.split("\n"), list = [], map = [], offsets = [];
  let pos = 0;
  lines.forEach((line, i) => {
    offsets.push(pos);
    pos += line.length + 1;
    if (line.trim()) { list.push(line); map.push(i); }
  });
  return { lines, list, map, offsets };
}
