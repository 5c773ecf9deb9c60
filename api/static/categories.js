/* The finding categories this page knows, with their labels: the page's one copy of that list.
 *
 * The service's own list is scanner/types.py CATEGORIES; the ids here must match it. Kept in one
 * module so that a later change can serve it from the backend instead. Key order is display order.
 */
export const CATEGORY_LABELS = {
  counterfeit: { en: "Counterfeit wording", zh: "假冒用语" },
  brand: { en: "Brand", zh: "品牌" },
  absolute_term: { en: "Absolute claim", zh: "极限词" },
  false_claim: { en: "False claim", zh: "虚假承诺" },
  medical_claim: { en: "Medical claim", zh: "医疗用语" },
  diversion: { en: "Off-platform contact", zh: "站外引流" },
  incentivized_review: { en: "Paid review", zh: "好评返现" },
  prohibited_goods: { en: "Prohibited goods", zh: "禁售商品" },
  counterfeit_image: { en: "Counterfeit image", zh: "假冒图片" },
};

export const CATEGORIES = Object.keys(CATEGORY_LABELS);

/** Categories that mark words in the editor (the legend shows their colours); image matches mark none. */
export const TEXT_CATEGORIES = CATEGORIES.filter((c) => c !== "counterfeit_image");
