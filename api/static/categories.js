/* The finding categories and their labels, as the service serves them (GET /v1/categories, from
 * scanner/categories.py, the one table): this page holds no list of its own. Until the answer arrives
 * (or if the call fails) a category shows as its id; main.js renders again once it is loaded.
 */
import { call } from "./api.js";

/** id -> {en, zh}. Filled in place by loadCategories, so importers see the loaded table. */
export const CATEGORY_LABELS = {};
/** The ids in the service's order (the legend's order). */
export const CATEGORIES = [];
/** Categories that mark words in the editor (the legend shows their colours); image matches mark none. */
export const TEXT_CATEGORIES = [];

/** Loads the table; resolves true once the lists above are filled, false if the service did not answer. */
export function loadCategories() {
  return call("/v1/categories").then((r) => {
    if (!r.ok || !r.body || !Array.isArray(r.body.categories)) return false;
    CATEGORIES.length = 0;
    TEXT_CATEGORIES.length = 0;
    r.body.categories.forEach((c) => {
      CATEGORY_LABELS[c.id] = { en: c.en, zh: c.zh };
      CATEGORIES.push(c.id);
      if (c.kind === "text") TEXT_CATEGORIES.push(c.id);
    });
    return true;
  });
}
