/* Images: each one is scanned on its own with POST /v1/scan/image, so one bad image never hides the
 * text result or the others. A match shows the gallery entry's thumbnail beside the seller's image. */
import { call } from "./api.js";
import { byId, el } from "./dom.js";
import { errorNode } from "./errors.js";
import { categoryLabel, formatBytes, scanOptions, t } from "./i18n.js";
import { state } from "./state.js";
import { renderVerdict } from "./verdict.js";

let lastUid = 0;

function addFiles(list) {
  Array.prototype.forEach.call(list || [], (file) => {
    const item = { uid: ++lastUid, file, url: URL.createObjectURL(file), status: "scanning", result: null, error: null };
    state.images.push(item);
    scanImage(item);
  });
  renderImages();
  renderVerdict();
}

export function scanImage(item) {
  const form = new FormData();
  form.append("images", item.file, item.file.name || "image");
  const listing = {};
  if (state.authorized.length) listing.seller = { authorized_brands: state.authorized.slice() };
  form.append("listing", JSON.stringify(listing));
  form.append("options", JSON.stringify(scanOptions()));
  item.status = "scanning";
  return call("/v1/scan/image", { method: "POST", body: form }).then((r) => {
    if (state.images.indexOf(item) < 0) return;  // removed while it was being checked
    if (r.ok) {
      const errs = r.body.image_errors || [];
      item.result = r.body;
      item.status = errs.length ? "error" : "done";
      item.error = errs.length ? errs[0] : null;
    } else {
      item.status = "error";
      item.error = r.error;
    }
    renderImages();
    renderVerdict();
  });
}

/** The browser cannot show this file (not an image, or a format it does not draw, e.g. TIFF). */
function noPreview(im) {
  return im.noPreview || Boolean(im.file.type && !/^image\//.test(im.file.type));
}

/** The seller's image, or where the browser cannot draw it a plain note instead of a broken-image icon. */
function preview(im, cls, alt) {
  const note = () => el("span", { class: cls + " no-preview", role: "img", "aria-label": alt || t("noPreview"),
    text: t(im.file.type && !/^image\//.test(im.file.type) ? "notImage" : "noPreview") });
  if (noPreview(im)) return note();
  return el("img", { class: cls, src: im.url, alt: alt, onerror: (ev) => {
    im.noPreview = true;
    ev.target.replaceWith(note());
  } });
}

function removeImage(im) {
  state.images = state.images.filter((x) => x !== im);
  URL.revokeObjectURL(im.url);
  renderImages();
  renderVerdict();
  byId("drop").focus();
}

/** The chips under the drop zone and one result per image in the results column. */
export function renderImages() {
  const ul = byId("image-list"), res = byId("image-results");
  ul.innerHTML = ""; res.innerHTML = "";
  byId("no-images").hidden = state.images.length > 0;
  state.images.forEach((im, i) => {
    const name = im.file.name || "image " + (i + 1);
    ul.appendChild(el("li", { class: "thumb-chip" }, [
      preview(im, "chip-img", ""),
      el("span", { class: "small", text: name + " · " + formatBytes(im.file.size) }),
      el("button", { type: "button", class: "ghost icon", "aria-label": t("removeImage", { n: name }), text: "×",
        onclick: () => { removeImage(im); } }),
    ]));
    const body = [];
    if (im.status === "scanning") {
      body.push(el("p", { class: "muted", text: t("imgScanning") }));
    } else if (im.status === "error") {
      body.push(el("p", { class: "img-error" }, [el("span", { text: t("imgError") + t("colon") }), errorNode(im.error)]));
    } else {
      const matches = (im.result.findings || []).filter((f) => f.kind === "image");
      if (!matches.length) body.push(el("p", { class: "img-ok", text: t("imgNoMatch") }));
      matches.forEach((f) => { body.push(matchNode(f)); });
    }
    const reads = readFindings(im);
    if (reads.length) body.push(readList(reads, im.result.image_text || []));
    const d = im.result && im.result.decision;
    res.appendChild(el("li", { class: "image-result", "data-status": im.status, "data-decision": d || "" }, [
      el("figure", { class: "thumb-fig" }, [
        reads.length && !noPreview(im) ? boxedPreview(im, name, reads) : preview(im, "listing-img", name),
        el("figcaption", { class: "muted small", text: t("yourImage") }),
      ]),
      el("div", { class: "img-body" }, [
        el("div", { class: "img-title" }, [
          el("strong", { text: name }), " ",
          d ? el("span", { class: "mini-badge badge-" + d, text: t("dec_" + d) }) : null,
        ]),
      ].concat(body)),
    ]));
  });
}

/** Findings in the text OCR read in this image (`kind: "image_text"`, each with a `box` in the image's pixels). */
function readFindings(im) {
  return ((im.result && im.result.findings) || []).filter((f) => f.kind === "image_text" && Array.isArray(f.box));
}

/** The seller's image larger, with a numbered outline over each place OCR read a finding. The box is in the
 * original image's pixels, so it is placed in percent of the image's natural size once that is known. */
function boxedPreview(im, name, reads) {
  const boxes = reads.map((f, i) => el("span", {
    class: "ocr-box cat-" + f.category, "data-category": f.category, "data-index": String(i + 1),
    title: categoryLabel(f.category) + ": " + f.text,
  }, [el("span", { class: "ocr-num", text: String(i + 1) })]));
  const place = (img) => {
    const w = img.naturalWidth, h = img.naturalHeight;
    if (!w || !h) return;
    reads.forEach((f, i) => {
      const [x0, y0, x1, y1] = f.box, st = boxes[i].style;
      st.left = (100 * x0 / w) + "%"; st.top = (100 * y0 / h) + "%";
      st.width = (100 * (x1 - x0) / w) + "%"; st.height = (100 * (y1 - y0) / h) + "%";
      boxes[i].hidden = false;
    });
  };
  boxes.forEach((b) => { b.hidden = true; });
  const img = el("img", { class: "boxed-img", src: im.url, alt: name, onload: (ev) => { place(ev.target); },
    onerror: (ev) => { im.noPreview = true; ev.target.closest(".ocr-frame").replaceWith(preview(im, "listing-img", name)); } });
  if (img.complete) place(img);
  return el("div", { class: "ocr-frame" }, [img].concat(boxes));
}

function readList(reads, texts) {
  const whole = texts.map((x) => x.text).join("\n");
  return el("div", { class: "ocr-read" }, [
    el("p", { class: "small muted", text: t("imgTextFindings") }),
    whole ? el("p", { class: "ocr-whole small" }, [el("span", { class: "muted", text: t("imgReads") + t("colon") }), el("q", { text: whole })]) : null,
    el("ol", { class: "ocr-findings" }, reads.map((f, i) => el("li", { class: "ocr-finding", "data-category": f.category }, [
      el("span", { class: "ocr-num cat-" + f.category, text: String(i + 1) }), " ",
      el("span", { class: "chip cat-" + f.category, text: categoryLabel(f.category) }), " ",
      el("q", { text: f.text }), " ",
      el("span", { class: "muted small", text: t("ocrConfidence", { c: Number(f.ocr_confidence || 0).toFixed(2) }) }),
      el("details", { class: "match-why small" }, [el("summary", { text: t("why") }), el("p", { text: f.explanation || "" })]),
    ]))),
  ]);
}

function matchNode(f) {
  const frame = el("div", { class: "gallery-thumb" }, [el("span", { class: "muted small", text: "…" })]);
  const figure = el("figure", { class: "thumb-fig" }, [frame, el("figcaption", { class: "muted small", text: t("galleryCaption") })]);
  loadThumb(f.gallery_id, frame, f.brand);
  const dist = f.distance || {};
  const distText = Object.keys(dist).map((k) => k + " " + dist[k]).join(", ");
  return el("div", { class: "match" }, [
    figure,
    el("dl", { class: "match-meta" }, [
      el("dt", { text: t("imgMatch") }), el("dd", {}, [el("code", { text: f.gallery_id || "" })]),
      el("dt", { text: t("brand") }), el("dd", { class: "match-brand", text: f.brand || "" }),
      f.label ? el("dt", { text: t("label") }) : null, f.label ? el("dd", { text: f.label }) : null,
      el("dt", { text: t("distance") }), el("dd", { text: distText }),
    ]),
    el("details", { class: "match-why small" }, [el("summary", { text: t("why") }), el("p", { text: f.explanation || "" })]),
  ]);
}

/** Fill `frame` with the gallery entry's thumbnail, fetched once per entry however often the page repaints. */
function loadThumb(id, frame, brand) {
  if (!id) return;
  let have = state.thumbs[id];
  const fill = (url) => {
    frame.innerHTML = "";
    if (url) frame.appendChild(el("img", { src: url, alt: (brand || "") + " " + id }));
    else frame.appendChild(el("span", { class: "muted small", text: t("noThumb") }));
  };
  if (have === undefined) {
    have = state.thumbs[id] = call("/v1/gallery/" + encodeURIComponent(id) + "/thumbnail").then((r) => {
      const url = r.ok && r.body instanceof Blob ? URL.createObjectURL(r.body) : null;
      state.thumbs[id] = url;
      return url;
    });
  }
  if (have && typeof have.then === "function") have.then(fill); else fill(have);
}

/** The drop zone: drop files on it, or click / Enter / Space to pick them. */
export function wireImageDrop() {
  const drop = byId("drop"), input = byId("file-input");
  drop.addEventListener("click", () => { input.click(); });
  drop.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); input.click(); }
  });
  input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach((type) => {
    drop.addEventListener(type, (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach((type) => {
    drop.addEventListener(type, (ev) => { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", (ev) => { addFiles(ev.dataTransfer && ev.dataTransfer.files); });
}
