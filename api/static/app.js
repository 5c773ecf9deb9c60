/* Listing compliance editor — plain JS, no build step, public API only.
 *
 * Text is scanned with POST /v1/scan (debounced while typing); every image is scanned on its
 * own with POST /v1/scan/image so one bad image never hides the text result or the others.
 * The badge shows the worst decision of the text scan and the image scans.
 *
 * Offsets from the service are Python str indices (code points). JS strings are UTF-16, so
 * every offset goes through cpToJs() before touching a textarea (emoji are 2 JS units).
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;
  var KEY_STORE = "scanner.apiKey";
  var AUTH_STORE = "scanner.authorizedBrands";
  var LANG_STORE = "scanner.lang";
  var CATEGORIES = ["counterfeit", "brand", "absolute_term", "false_claim", "medical_claim", "diversion",
    "incentivized_review", "prohibited_goods", "counterfeit_image"];
  var RANK = { pass: 0, review: 1, block: 2 };
  var EFFECT_RANK = { none: 0, review: 1, block: 2 };
  var NAV_KEYS = /^(Arrow|Home|End|Page)/;  // the caret moved without typing: explain the finding it is in

  var I18N = {
    en: {
      title: "Listing compliance editor", skip: "Skip to findings", apiKey: "API key",
      keyLabel: "This service needs an API key (X-API-Key). It is kept only in this browser tab's session.",
      keySave: "Use key", keyForget: "Forget key", listing: "Listing", fTitle: "Title", fDescription: "Description",
      fBullets: "Bullets", fBulletsHint: "(optional, one per line)", images: "Images",
      dropHint: "Drop images here, or click / press Enter to choose files", authorizedFor: "Authorized brands:",
      score: "Score", applyAll: "Apply all suggestions", copyClean: "Copy cleaned text", findings: "Findings",
      noFindings: "No findings — nothing to fix in the text.", imageResults: "Image results", noImages: "No images added.",
      langOther: "中文", dec_pass: "Pass", dec_review: "Review", dec_block: "Block", dec_idle: "—",
      scanning: "checking…", textPart: "text", imagesPart: "images",
      cat_counterfeit: "Counterfeit wording", cat_brand: "Brand", cat_absolute_term: "Absolute claim",
      cat_false_claim: "False claim", cat_medical_claim: "Medical claim", cat_diversion: "Off-platform contact",
      cat_incentivized_review: "Paid review", cat_prohibited_goods: "Prohibited goods",
      cat_counterfeit_image: "Counterfeit image",
      sev_low: "low", sev_medium: "medium", sev_high: "high",
      eff_block: "blocks", eff_review: "needs review", eff_none: "harmless here",
      term: "Term", severity: "Severity", why: "Why", suggestion: "Suggested rewrite", field: "Field",
      sugNone: "no automatic rewrite", sugDelete: "delete these words",
      apply: "Apply suggestion", authorize: "I am authorized for this brand", show: "Show in text",
      unauthorize: "Remove authorization for {b}", removeImage: "Remove image {n}",
      applied: "Applied: {a} → {b}", appliedAll: "Applied {n} suggestion(s).", nothingToApply: "No suggestions to apply.",
      stale: "The text changed since the last check — checking again, then try once more.",
      copied: "Copied the cleaned text ({n} rewrite(s)); {m} finding(s) still need a manual edit.",
      copyFailed: "Could not copy to the clipboard; the cleaned text is selected below.",
      authorizedNow: "Marked as authorized: {b}. Checking again…",
      imgScanning: "checking image…", imgNoMatch: "No match in the counterfeit gallery.",
      imgMatch: "Matches gallery entry", brand: "Brand", label: "Label", distance: "Distance (bits)",
      noThumb: "no thumbnail", imgError: "Image not checked", yourImage: "your image", galleryCaption: "gallery",
      err_network: "Cannot reach the scanner service ({m}).",
      err_missing_api_key: "This service needs an API key — enter it above.",
      err_invalid_api_key: "The API key was not accepted — check it and enter it again.",
      err_image_too_large: "image too large: limit {limit}", err_body_too_large: "request too large: limit {limit}",
      err_image_unsupported_format: "not a supported image format (JPEG, PNG, GIF, WebP, BMP, TIFF)",
      err_image_corrupt: "the image file is damaged", err_image_truncated: "the image file is incomplete",
      err_image_empty: "the image file is empty", err_image_too_small: "the image is too small to compare",
      err_image_low_information: "the image is nearly blank, so it cannot be compared",
      err_field_too_long: "a text field is too long", err_images_disabled: "this service has no image gallery",
      err_not_ready: "the service is still starting — try again in a moment",
      err_too_many_images: "too many images in one request",
      keyStored: "key set for this tab", keyOpen: "no key needed", gallery: "gallery", wordlists: "word lists",
      otherField: "(not shown in the editor)",
    },
    zh: {
      title: "商品文案合规检查", skip: "跳到检查结果", apiKey: "API 密钥",
      keyLabel: "此服务需要 API 密钥（X-API-Key），仅保存在当前浏览器标签页的会话中。",
      keySave: "使用密钥", keyForget: "清除密钥", listing: "商品文案", fTitle: "标题", fDescription: "描述",
      fBullets: "卖点", fBulletsHint: "（可选，每行一条）", images: "图片",
      dropHint: "把图片拖到这里，或点击 / 按回车选择文件", authorizedFor: "已授权品牌：",
      score: "风险分", applyAll: "全部采用建议", copyClean: "复制修改后的文案", findings: "检查结果",
      noFindings: "未发现问题。", imageResults: "图片结果", noImages: "尚未添加图片。",
      langOther: "English", dec_pass: "通过", dec_review: "需复核", dec_block: "拦截", dec_idle: "—",
      scanning: "检查中…", textPart: "文字", imagesPart: "图片",
      cat_counterfeit: "假冒用语", cat_brand: "品牌", cat_absolute_term: "极限词",
      cat_false_claim: "虚假承诺", cat_medical_claim: "医疗用语", cat_diversion: "站外引流",
      cat_incentivized_review: "好评返现", cat_prohibited_goods: "禁售商品", cat_counterfeit_image: "假冒图片",
      sev_low: "低", sev_medium: "中", sev_high: "高",
      eff_block: "导致拦截", eff_review: "需要复核", eff_none: "此处无害",
      term: "词条", severity: "严重程度", why: "原因", suggestion: "建议改写", field: "字段",
      sugNone: "无自动改写", sugDelete: "删除这些字",
      apply: "采用建议", authorize: "我已获得该品牌授权", show: "在文中定位",
      unauthorize: "取消 {b} 的授权", removeImage: "移除图片 {n}",
      applied: "已改写：{a} → {b}", appliedAll: "已采用 {n} 条建议。", nothingToApply: "没有可采用的建议。",
      stale: "文案在上次检查后有改动——正在重新检查，请稍后再试。",
      copied: "已复制修改后的文案（{n} 处改写）；还有 {m} 处需要手动修改。",
      copyFailed: "无法写入剪贴板；修改后的文案已在下方选中。",
      authorizedNow: "已标记为授权品牌：{b}，正在重新检查…",
      imgScanning: "正在检查图片…", imgNoMatch: "未匹配到假冒图库。",
      imgMatch: "匹配图库条目", brand: "品牌", label: "标签", distance: "距离（位）",
      noThumb: "无缩略图", imgError: "图片未能检查", yourImage: "你的图片", galleryCaption: "图库",
      err_network: "无法连接检查服务（{m}）。",
      err_missing_api_key: "此服务需要 API 密钥，请在上方输入。",
      err_invalid_api_key: "API 密钥无效，请检查后重新输入。",
      err_image_too_large: "图片太大：上限 {limit}", err_body_too_large: "请求太大：上限 {limit}",
      err_image_unsupported_format: "不支持的图片格式（支持 JPEG、PNG、GIF、WebP、BMP、TIFF）",
      err_image_corrupt: "图片文件已损坏", err_image_truncated: "图片文件不完整", err_image_empty: "图片文件为空",
      err_image_too_small: "图片太小，无法比对", err_image_low_information: "图片几乎是空白，无法比对",
      err_field_too_long: "文字字段太长", err_images_disabled: "此服务未启用图库",
      err_not_ready: "服务仍在启动，请稍后再试", err_too_many_images: "一次请求中的图片太多",
      keyStored: "本标签页已设置密钥", keyOpen: "无需密钥", gallery: "图库", wordlists: "词库",
      otherField: "（不在编辑器中）",
    },
  };

  // ---------------------------------------------------------------- state
  var state = {
    lang: pickLang(),
    key: sessionGet(KEY_STORE) || "",
    authorized: parseList(sessionGet(AUTH_STORE)),
    text: null,          // last text scan result
    snap: null,          // {title, description, bullets}: editor values that result belongs to
    textError: null,
    scanning: false,
    images: [],          // {uid, file, url, status: "scanning"|"done"|"error", result, error}
    thumbs: {},          // gallery id -> object URL | null (unavailable) | Promise
    seq: 0,
    activeKey: null,     // finding key currently shown in the tooltip
    needKey: false,
  };
  var uid = 0;
  var timer = null;
  var inflight = null;

  var $ = function (id) { return document.getElementById(id); };
  var fields = {
    title: $("f-title"),
    description: $("f-description"),
    bullets: $("f-bullets"),
  };

  function pickLang() {
    var saved = localGet(LANG_STORE);
    if (saved === "en" || saved === "zh") return saved;
    return /^zh/i.test(navigator.language || "") ? "zh" : "en";
  }
  function sessionGet(k) { try { return window.sessionStorage.getItem(k); } catch (e) { return null; } }
  function sessionSet(k, v) { try { if (v) window.sessionStorage.setItem(k, v); else window.sessionStorage.removeItem(k); } catch (e) { /* private mode */ } }
  function localGet(k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } }
  function localSet(k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* ignore */ } }
  function parseList(s) { try { var v = JSON.parse(s || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; } }

  function t(key, vars) {
    var s = (I18N[state.lang] && I18N[state.lang][key]) || I18N.en[key] || key;
    if (vars) s = s.replace(/\{(\w+)\}/g, function (_, k) { return vars[k] == null ? "" : String(vars[k]); });
    return s;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) { if (c != null) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  // ---------------------------------------------------------------- offsets
  /** JS (UTF-16) index of code point `cp` in `s`. */
  function cpToJs(s, cp) {
    var i = 0, c = 0;
    while (c < cp && i < s.length) {
      var code = s.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
        var next = s.charCodeAt(i + 1);
        i += (next >= 0xdc00 && next <= 0xdfff) ? 2 : 1;
      } else {
        i += 1;
      }
      c += 1;
    }
    return i;
  }

  /** Map [a, b) in `from` to `to` when the edit between them did not touch the span. */
  function remap(from, to, a, b) {
    if (from === to) return [a, b];
    var n = Math.min(from.length, to.length), p = 0;
    while (p < n && from.charCodeAt(p) === to.charCodeAt(p)) p++;
    var s = 0;
    while (s < n - p && from.charCodeAt(from.length - 1 - s) === to.charCodeAt(to.length - 1 - s)) s++;
    if (b <= p) return [a, b];
    if (a >= from.length - s) return [a + to.length - from.length, b + to.length - from.length];
    return null;
  }

  function bulletLines(value) {
    var lines = value.split("\n"), list = [], map = [], offsets = [], pos = 0;
    lines.forEach(function (line, i) {
      offsets.push(pos);
      pos += line.length + 1;
      if (line.trim()) { list.push(line); map.push(i); }
    });
    return { lines: lines, list: list, map: map, offsets: offsets };
  }

  /** Where a text finding sits in the editor NOW: {name, el, a, b} in JS indices, or null. */
  function locate(f) {
    if (f.kind !== "text" || f.start == null || !state.snap) return null;
    var name, base, a, b;
    var m = /^bullets\[(\d+)\]$/.exec(f.field || "");
    if (f.field === "title" || f.field === "description") {
      name = f.field;
      base = state.snap[name];
      a = cpToJs(base, f.start); b = cpToJs(base, f.end);
    } else if (m) {
      name = "bullets";
      base = state.snap.bullets;
      var info = bulletLines(base), line = info.map[+m[1]];
      if (line == null) return null;
      var text = info.lines[line], off = info.offsets[line];
      a = off + cpToJs(text, f.start); b = off + cpToJs(text, f.end);
    } else {
      return null;
    }
    var now = fields[name].value;
    var span = remap(base, now, a, b);
    if (!span || now.slice(span[0], span[1]) !== f.text) return null;
    return { name: name, el: fields[name], a: span[0], b: span[1] };
  }

  function findingKey(f) { return [f.field, f.start, f.end, f.category, f.term].join("|"); }

  // ---------------------------------------------------------------- API
  function headers(extra) {
    var h = extra || {};
    if (state.key) h["X-API-Key"] = state.key;
    return h;
  }

  /** fetch → {ok, status, body} or {ok: false, error: {code, message}}. Never throws. */
  function call(path, opts) {
    opts = opts || {};
    return fetch(path, { method: opts.method || "GET", headers: headers(opts.headers), body: opts.body, signal: opts.signal })
      .then(function (resp) {
        var type = resp.headers.get("content-type") || "";
        var parse = type.indexOf("json") >= 0 ? resp.json() : resp.blob();
        return parse.then(function (body) {
          if (resp.ok && !(body && body.error)) return { ok: true, status: resp.status, body: body };
          var err = (body && body.error) || { code: "http_" + resp.status, message: "HTTP " + resp.status };
          if (resp.status === 401) noteNeedKey(err);
          return { ok: false, status: resp.status, error: err, body: body };
        }, function () {
          return { ok: false, status: resp.status, error: { code: "http_" + resp.status, message: "HTTP " + resp.status } };
        });
      }, function (e) {
        if (e && e.name === "AbortError") return { aborted: true };
        return { ok: false, status: 0, error: { code: "network", message: String(e && e.message || e) } };
      });
  }

  function formatBytes(n) {
    if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return n / (1024 * 1024) + " MB";
    if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + " MB";
    if (n >= 1024) return Math.round(n / 1024) + " KB";
    return n + " B";
  }

  /** A plain-language sentence for an error envelope; the service's own message stays visible too. */
  function plainError(err) {
    var code = err.code || "", msg = err.message || "";
    if (code === "network") return t("err_network", { m: msg });
    var key = "err_" + code;
    if (!I18N.en[key] && /^too_many/.test(code)) key = "err_too_many_images";
    if (!I18N.en[key]) return msg || code;
    var limit = /limit(?: is)? (\d+) bytes/.exec(msg) || /exceeds (\d+) bytes/.exec(msg);
    return t(key, { limit: limit ? formatBytes(+limit[1]) : "?" });
  }

  function errorNode(err) {
    return el("span", { class: "err" }, [
      el("strong", { text: plainError(err) }),
      " ",
      el("span", { class: "muted small", text: "(" + (err.code || "") + (err.message ? ": " + err.message : "") + ")" }),
    ]);
  }

  function noteNeedKey(err) {
    state.needKey = true;
    showKeyPanel(true);
    if (err.code === "invalid_api_key") $("key-input").select();
  }

  // ---------------------------------------------------------------- scanning
  function listingBody() {
    var info = bulletLines(fields.bullets.value);
    var body = { title: fields.title.value, description: fields.description.value };
    if (info.list.length) body.bullets = info.list;
    if (state.authorized.length) body.seller = { authorized_brands: state.authorized.slice() };
    body.locale = state.lang === "zh" ? "zh-CN" : "en";
    return body;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(scanText, DEBOUNCE_MS);
  }

  function scanText() {
    clearTimeout(timer);
    if (inflight) inflight.abort();
    var ctrl = window.AbortController ? new AbortController() : null;
    inflight = ctrl;
    var seq = ++state.seq;
    var snap = { title: fields.title.value, description: fields.description.value, bullets: fields.bullets.value };
    state.scanning = true;
    renderVerdict();
    return call("/v1/scan", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(listingBody()), signal: ctrl && ctrl.signal,
    }).then(function (r) {
      if (r.aborted || seq !== state.seq) return;
      inflight = null;
      state.scanning = false;
      if (r.ok) {
        state.text = r.body; state.snap = snap; state.textError = null;
      } else {
        state.textError = r.error;
      }
      renderAll();
    });
  }

  function addFiles(list) {
    Array.prototype.forEach.call(list || [], function (file) {
      var item = { uid: ++uid, file: file, url: URL.createObjectURL(file), status: "scanning", result: null, error: null };
      state.images.push(item);
      scanImage(item);
    });
    renderImages();
    renderVerdict();
  }

  function scanImage(item) {
    var form = new FormData();
    form.append("images", item.file, item.file.name || "image");
    var listing = {};
    if (state.authorized.length) listing.seller = { authorized_brands: state.authorized.slice() };
    form.append("listing", JSON.stringify(listing));
    item.status = "scanning";
    return call("/v1/scan/image", { method: "POST", body: form }).then(function (r) {
      if (state.images.indexOf(item) < 0) return;
      if (r.ok) {
        var errs = r.body.image_errors || [];
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

  // ---------------------------------------------------------------- rendering
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function textFindings() {
    return (state.text && state.text.findings || []).filter(function (f) { return f.kind !== "image"; });
  }

  function renderBackdrops() {
    var spans = { title: [], description: [], bullets: [] };
    textFindings().forEach(function (f) {
      var loc = locate(f);
      if (loc) spans[loc.name].push({ a: loc.a, b: loc.b, f: f });
    });
    Object.keys(fields).forEach(function (name) {
      var input = fields[name], value = input.value, list = spans[name];
      var cuts = [0, value.length];
      list.forEach(function (s) { cuts.push(s.a, s.b); });
      cuts = cuts.filter(function (v, i, arr) { return arr.indexOf(v) === i; }).sort(function (x, y) { return x - y; });
      var html = "";
      for (var i = 0; i + 1 < cuts.length; i++) {
        var a = cuts[i], b = cuts[i + 1], piece = escapeHtml(value.slice(a, b));
        var covering = list.filter(function (s) { return s.a <= a && s.b >= b; });
        if (!covering.length) { html += piece; continue; }
        covering.sort(function (x, y) { return EFFECT_RANK[y.f.effect || "review"] - EFFECT_RANK[x.f.effect || "review"]; });
        var top = covering[0].f;
        var keys = covering.map(function (s) { return findingKey(s.f); });
        var active = keys.indexOf(state.activeKey) >= 0 ? " active" : "";
        html += '<mark class="hl cat-' + top.category + " eff-" + (top.effect || "review") + active +
          '" data-keys="' + escapeHtml(JSON.stringify(keys)) + '">' + piece + "</mark>";
      }
      // A trailing newline needs a character after it or the backdrop is one line short.
      input.parentNode.querySelector(".hl-backdrop").innerHTML = html + "\u200b";
      autosize(input);
    });
  }

  function autosize(input) {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + "px";
  }

  function combined() {
    var parts = [];
    if (state.text) parts.push({ what: t("textPart"), decision: state.text.decision, score: state.text.score });
    state.images.forEach(function (im) {
      if (im.result && im.result.decision) parts.push({ what: t("imagesPart"), decision: im.result.decision, score: im.result.score, image: true });
    });
    if (!parts.length) return null;
    var worst = parts.reduce(function (acc, p) { return RANK[p.decision] > RANK[acc.decision] ? p : acc; }, parts[0]);
    var score = Math.max.apply(null, parts.map(function (p) { return p.score || 0; }));
    var imgParts = parts.filter(function (p) { return p.image; });
    var imgDecision = imgParts.length ? imgParts.reduce(function (acc, p) { return RANK[p.decision] > RANK[acc] ? p.decision : acc; }, "pass") : null;
    return { decision: worst.decision, score: score, text: state.text && state.text.decision, images: imgDecision };
  }

  function renderVerdict() {
    var c = combined(), badge = $("badge");
    var d = c ? c.decision : "";
    badge.className = "badge badge-" + (d || "idle") + (state.scanning ? " busy" : "");
    badge.setAttribute("data-decision", d);
    badge.textContent = d ? t("dec_" + d) + (state.lang === "zh" ? " · " + d : "") : t("dec_idle");
    badge.setAttribute("aria-busy", state.scanning || state.images.some(function (im) { return im.status === "scanning"; }) ? "true" : "false");
    $("score").textContent = c ? String(c.score) : "—";
    var detail = [];
    if (c && c.text) detail.push(t("textPart") + ": " + t("dec_" + c.text));
    if (c && c.images) detail.push(t("imagesPart") + ": " + t("dec_" + c.images));
    if (state.scanning) detail.push(t("scanning"));
    $("verdict-detail").textContent = detail.join(" · ");
  }

  function sugText(f) {
    if (f.suggestion == null) return t("sugNone");
    if (f.suggestion === "") return t("sugDelete");
    return "→ " + f.suggestion;
  }

  function orderFindings(list) {
    var fieldOrder = function (f) { return f.field === "title" ? 0 : f.field === "description" ? 1 : 2; };
    return list.slice().sort(function (x, y) {
      return (EFFECT_RANK[y.effect || "review"] - EFFECT_RANK[x.effect || "review"]) ||
        (fieldOrder(x) - fieldOrder(y)) || String(x.field).localeCompare(String(y.field)) || (x.start - y.start);
    });
  }

  function renderFindings() {
    var ol = $("findings");
    var focused = document.activeElement && ol.contains(document.activeElement) ? document.activeElement : null;
    var focusKey = focused && focused.closest("[data-key]") && focused.closest("[data-key]").getAttribute("data-key");
    var focusRole = focused && focused.getAttribute("data-role");
    ol.innerHTML = "";
    var list = orderFindings(textFindings());
    list.forEach(function (f, idx) {
      var key = findingKey(f), loc = locate(f), effect = f.effect || "review";
      var actions = [];
      if (f.suggestion != null && effect !== "none") {
        actions.push(el("button", { type: "button", "data-role": "apply", disabled: !loc, text: t("apply"),
          onclick: function () { applyOne(f, idx); } }));
      }
      if (f.category === "brand" && f.brand && effect !== "none") {
        actions.push(el("button", { type: "button", "data-role": "authorize", class: "secondary", text: t("authorize"),
          onclick: function () { authorize(f.brand); } }));
      }
      if (loc) {
        actions.push(el("button", { type: "button", "data-role": "show", class: "ghost", text: t("show"),
          onclick: function () { showInText(f); } }));
      }
      var head = el("div", { class: "f-head", tabindex: "0", "data-role": "head",
        "aria-label": t("cat_" + f.category) + ": " + f.text + ". " + t("eff_" + effect) + ". " + sugText(f),
        onfocus: function () { setActive(key, null, false); }, onblur: function () { setActive(null); },
        onmouseenter: function () { setActive(key, null, false); }, onmouseleave: function () { setActive(null); } }, [
        el("span", { class: "chip cat-" + f.category, text: t("cat_" + f.category) }),
        el("q", { class: "f-text", text: f.text }),
        el("span", { class: "f-sug", text: sugText(f) }),
        el("span", { class: "f-meta" }, [
          el("span", { class: "sev sev-" + f.severity, text: t("sev_" + f.severity) }),
          el("span", { class: "eff eff-" + effect, text: t("eff_" + effect) }),
          el("span", { class: "muted", text: fieldLabel(f.field) + (loc ? "" : " " + t("otherField")) }),
        ]),
      ]);
      var li = el("li", { class: "finding eff-" + effect + " cat-" + f.category, "data-key": key,
        "data-category": f.category, "data-effect": effect }, [
        head,
        el("div", { class: "f-why small" }, [
          el("span", { class: "muted", text: t("term") + ": " }), f.term || "", "  ",
          el("span", { class: "muted", text: t("why") + ": " }), f.explanation || "",
        ]),
        actions.length ? el("div", { class: "f-actions" }, actions) : null,
      ]);
      ol.appendChild(li);
    });
    $("findings-count").textContent = state.text ? "(" + list.length + ")" : "";
    $("no-findings").hidden = !state.text || list.length > 0;
    $("apply-all").disabled = !list.some(function (f) { return f.suggestion != null && (f.effect || "review") !== "none" && locate(f); });
    if (focusKey) {
      var again = ol.querySelector('[data-key="' + cssEscape(focusKey) + '"]');
      var target = again && (again.querySelector('[data-role="' + focusRole + '"]:not([disabled])') || again.querySelector(".f-head"));
      if (target) target.focus();
    }
  }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }

  function fieldLabel(field) {
    if (field === "title") return t("fTitle");
    if (field === "description") return t("fDescription");
    var m = /^bullets\[(\d+)\]$/.exec(field || "");
    if (m) return t("fBullets") + " " + (+m[1] + 1);
    return field || "";
  }

  function renderImages() {
    var ul = $("image-list"), res = $("image-results");
    ul.innerHTML = ""; res.innerHTML = "";
    $("no-images").hidden = state.images.length > 0;
    state.images.forEach(function (im, i) {
      var name = im.file.name || "image " + (i + 1);
      ul.appendChild(el("li", { class: "thumb-chip" }, [
        el("img", { src: im.url, alt: "" }),
        el("span", { class: "small", text: name + " · " + formatBytes(im.file.size) }),
        el("button", { type: "button", class: "ghost icon", "aria-label": t("removeImage", { n: name }), text: "×",
          onclick: function () { removeImage(im); } }),
      ]));
      var body = [];
      if (im.status === "scanning") {
        body.push(el("p", { class: "muted", text: t("imgScanning") }));
      } else if (im.status === "error") {
        body.push(el("p", { class: "img-error" }, [el("span", { text: t("imgError") + ": " }), errorNode(im.error)]));
      } else {
        var matches = (im.result.findings || []).filter(function (f) { return f.kind === "image"; });
        if (!matches.length) body.push(el("p", { class: "img-ok", text: t("imgNoMatch") }));
        matches.forEach(function (f) { body.push(matchNode(f)); });
      }
      var d = im.result && im.result.decision;
      res.appendChild(el("li", { class: "image-result", "data-status": im.status, "data-decision": d || "" }, [
        el("figure", { class: "thumb-fig" }, [
          el("img", { class: "listing-img", src: im.url, alt: name }),
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

  function matchNode(f) {
    var frame = el("div", { class: "gallery-thumb" }, [el("span", { class: "muted small", text: "…" })]);
    var figure = el("figure", { class: "thumb-fig" }, [frame, el("figcaption", { class: "muted small", text: t("galleryCaption") })]);
    loadThumb(f.gallery_id, frame, f.brand);
    var dist = f.distance || {};
    var distText = Object.keys(dist).map(function (k) { return k + " " + dist[k]; }).join(", ");
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

  function loadThumb(id, frame, brand) {
    if (!id) return;
    var have = state.thumbs[id];
    var fill = function (url) {
      frame.innerHTML = "";
      if (url) frame.appendChild(el("img", { src: url, alt: (brand || "") + " " + id }));
      else frame.appendChild(el("span", { class: "muted small", text: t("noThumb") }));
    };
    if (have === undefined) {
      have = state.thumbs[id] = call("/v1/gallery/" + encodeURIComponent(id) + "/thumbnail").then(function (r) {
        var url = r.ok && r.body instanceof Blob ? URL.createObjectURL(r.body) : null;
        state.thumbs[id] = url;
        return url;
      });
    }
    if (have && typeof have.then === "function") have.then(fill); else fill(have);
  }

  function renderAuthorized() {
    var ul = $("authorized-list");
    ul.innerHTML = "";
    $("authorized-wrap").hidden = !state.authorized.length;
    state.authorized.forEach(function (b) {
      ul.appendChild(el("li", { class: "chip" }, [
        b, " ",
        el("button", { type: "button", class: "ghost icon", "aria-label": t("unauthorize", { b: b }), text: "×",
          onclick: function () { unauthorize(b); } }),
      ]));
    });
  }

  function renderError() {
    var box = $("error-box");
    box.innerHTML = "";
    if (state.textError) box.appendChild(errorNode(state.textError));
    box.hidden = !state.textError;
  }

  function renderLegend() {
    var box = $("legend");
    box.innerHTML = "";
    CATEGORIES.filter(function (c) { return c !== "counterfeit_image"; }).forEach(function (c) {
      box.appendChild(el("span", { class: "legend-item" }, [el("mark", { class: "hl cat-" + c + " eff-review", text: t("cat_" + c) })]));
    });
    box.appendChild(el("span", { class: "legend-item" }, [el("mark", { class: "hl cat-brand eff-none", text: t("eff_none") })]));
  }

  function renderStatic() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.getAttribute("data-i18n")); });
    $("lang-toggle").textContent = t("langOther");
    document.title = t("title");
    var conn = $("conn");
    conn.textContent = state.key ? t("keyStored") : (state.needKey ? "" : "");
    renderLegend();
  }

  function renderAll() {
    renderBackdrops();
    renderFindings();
    renderVerdict();
    renderError();
    renderAuthorized();
    renderImages();
  }

  // ---------------------------------------------------------------- tooltip
  /** Outline the finding's words in the editor; with withTip !== false also show the floating explanation. */
  function setActive(key, anchor, withTip) {
    state.activeKey = key;
    document.querySelectorAll("mark.hl.active").forEach(function (m) { m.classList.remove("active"); });
    var tip = $("tip");
    if (!key) { tip.hidden = true; return; }
    var f = textFindings().filter(function (x) { return findingKey(x) === key; })[0];
    if (!f) { tip.hidden = true; return; }
    var marks = Array.prototype.filter.call(document.querySelectorAll("mark.hl[data-keys]"), function (m) {
      return JSON.parse(m.getAttribute("data-keys")).indexOf(key) >= 0;
    });
    marks.forEach(function (m) { m.classList.add("active"); });
    if (withTip === false) { tip.hidden = true; return; }
    tip.innerHTML = "";
    tip.appendChild(el("div", { class: "tip-head" }, [
      el("span", { class: "chip cat-" + f.category, text: t("cat_" + f.category) }),
      el("span", { class: "eff eff-" + (f.effect || "review"), text: t("eff_" + (f.effect || "review")) }),
    ]));
    tip.appendChild(el("dl", {}, [
      el("dt", { text: t("term") }), el("dd", { text: f.term + (f.brand && f.category === "brand" ? " (" + f.brand + ")" : "") }),
      el("dt", { text: t("severity") }), el("dd", { text: t("sev_" + f.severity) + " · " + Math.round((f.score || 0) * 100) + "%" }),
      el("dt", { text: t("suggestion") }), el("dd", { text: sugText(f) }),
      el("dt", { text: t("why") }), el("dd", { text: f.explanation || "" }),
    ]));
    tip.hidden = false;
    var ref = (marks[0] || anchor);
    if (!ref) return;
    var r = ref.getBoundingClientRect();
    var tw = tip.offsetWidth, th = tip.offsetHeight;
    var x = Math.min(Math.max(8, r.left), window.innerWidth - tw - 8);
    var y = r.bottom + 6;
    if (y + th > window.innerHeight - 8) y = Math.max(8, r.top - th - 6);
    tip.style.left = x + window.scrollX + "px";
    tip.style.top = y + window.scrollY + "px";
  }

  function hoverTextarea(ev) {
    var stack = document.elementsFromPoint(ev.clientX, ev.clientY);
    var mark = stack.filter(function (n) { return n.matches && n.matches("mark.hl[data-keys]"); })[0];
    var key = mark ? JSON.parse(mark.getAttribute("data-keys"))[0] : null;
    if (key !== state.activeKey) setActive(key);
  }

  function caretCheck(ev) {
    var input = ev.target, name = input.getAttribute("data-field"), pos = input.selectionStart;
    var hit = null;
    textFindings().forEach(function (f) {
      var loc = locate(f);
      if (!hit && loc && loc.name === name && pos >= loc.a && pos <= loc.b && input.selectionEnd <= loc.b) hit = f;
    });
    var key = hit ? findingKey(hit) : null;
    if (key !== state.activeKey) setActive(key);
  }

  // ---------------------------------------------------------------- editing actions
  function replaceRange(input, a, b, text) {
    input.focus();
    input.setSelectionRange(a, b);
    var ok = false;
    try { ok = document.execCommand(text ? "insertText" : "delete", false, text); } catch (e) { ok = false; }
    if (!ok || input.value.slice(a, a + text.length) !== text) {
      input.setRangeText(text, a, b, "end");
    }
  }

  /** The replacement for a span; deleting words must not leave a double space behind. */
  function tidy(value, a, b, text) {
    if (text !== "") return { a: a, b: b, text: text };
    var before = value.charAt(a - 1), after = value.charAt(b);
    if (/[ \t]/.test(after) && (a === 0 || /[ \t]/.test(before))) b += 1;
    return { a: a, b: b, text: text };
  }

  function applicable(list) {
    return list.filter(function (f) { return f.suggestion != null && (f.effect || "review") !== "none"; });
  }

  function applyOne(f, idx) {
    var loc = locate(f);
    if (!loc) { status(t("stale")); scanText(); return; }
    var r = tidy(loc.el.value, loc.a, loc.b, f.suggestion);
    replaceRange(loc.el, r.a, r.b, r.text);
    status(t("applied", { a: f.text, b: f.suggestion === "" ? "∅" : f.suggestion }));
    setActive(null);
    rescanThenFocus(idx);
  }

  /** Rewrites per field from the END backwards so earlier offsets stay valid; overlaps are skipped. */
  function rewritten(name, findings) {
    var value = fields[name].value;
    var spans = findings.map(function (f) { var loc = locate(f); return loc && loc.name === name ? { loc: loc, f: f } : null; })
      .filter(Boolean).sort(function (x, y) { return y.loc.a - x.loc.a || y.loc.b - x.loc.b; });
    var limit = Infinity, count = 0;
    spans.forEach(function (s) {
      if (s.loc.b > limit) return;
      var r = tidy(value, s.loc.a, s.loc.b, s.f.suggestion);
      value = value.slice(0, r.a) + r.text + value.slice(r.b);
      limit = r.a;
      count += 1;
    });
    return { value: value, count: count };
  }

  function applyAll() {
    var list = applicable(textFindings()), total = 0;
    Object.keys(fields).forEach(function (name) {
      var r = rewritten(name, list);
      if (r.count) {
        replaceRange(fields[name], 0, fields[name].value.length, r.value);
        total += r.count;
      }
    });
    status(total ? t("appliedAll", { n: total }) : t("nothingToApply"));
    rescanThenFocus(null, $("apply-all"));
  }

  function rescanThenFocus(idx, fallback) {
    renderBackdrops();
    scanText().then(function () {
      var heads = $("findings").querySelectorAll(".f-head");
      var target = idx != null && heads.length ? heads[Math.min(idx, heads.length - 1)] : null;
      (target || fallback || $("findings-heading")).focus();
    });
  }

  function cleanedText() {
    var list = applicable(textFindings()), n = 0;
    var parts = {};
    Object.keys(fields).forEach(function (name) { var r = rewritten(name, list); parts[name] = r.value; n += r.count; });
    var text = [parts.title, parts.description, parts.bullets].filter(function (s) { return s && s.trim(); }).join("\n\n");
    var manual = textFindings().filter(function (f) { return (f.effect || "review") !== "none"; }).length - n;
    return { text: text, n: n, manual: Math.max(0, manual) };
  }

  function copyClean() {
    var c = cleanedText();
    var done = function () { status(t("copied", { n: c.n, m: c.manual })); };
    var fallback = function () {
      var area = el("textarea", { class: "copy-fallback", "aria-label": t("copyClean") });
      area.value = c.text;
      $("action-status").after(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) { area.remove(); done(); } else status(t("copyFailed"));
    };
    $("copy-clean").setAttribute("data-copied", c.text);
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(c.text).then(done, fallback);
    else fallback();
  }

  function showInText(f) {
    var loc = locate(f);
    if (!loc) return;
    loc.el.focus();
    loc.el.setSelectionRange(loc.a, loc.b);
  }

  function authorize(brand) {
    if (state.authorized.indexOf(brand) < 0) state.authorized.push(brand);
    sessionSet(AUTH_STORE, JSON.stringify(state.authorized));
    status(t("authorizedNow", { b: brand }));
    renderAuthorized();
    rescanThenFocus(0);
  }

  function unauthorize(brand) {
    state.authorized = state.authorized.filter(function (b) { return b !== brand; });
    sessionSet(AUTH_STORE, state.authorized.length ? JSON.stringify(state.authorized) : "");
    renderAuthorized();
    scanText();
  }

  function removeImage(im) {
    state.images = state.images.filter(function (x) { return x !== im; });
    URL.revokeObjectURL(im.url);
    renderImages();
    renderVerdict();
    $("drop").focus();
  }

  function status(msg) { $("action-status").textContent = msg; }

  // ---------------------------------------------------------------- key panel
  function showKeyPanel(open) {
    $("key-panel").hidden = !open;
    $("key-toggle").setAttribute("aria-expanded", open ? "true" : "false");
    if (open) $("key-input").focus();
  }

  function setKey(key) {
    state.key = key;
    sessionSet(KEY_STORE, key);
    state.needKey = false;
    $("key-input").value = "";
    renderStatic();
    scanText();
    state.images.forEach(function (im) { if (im.status === "error" && /api_key/.test(im.error && im.error.code || "")) scanImage(im); });
    renderImages();
  }

  // ---------------------------------------------------------------- wiring
  Object.keys(fields).forEach(function (name) {
    var input = fields[name];
    input.addEventListener("input", function (ev) {
      setActive(null);
      renderBackdrops();
      if (!ev.isComposing) schedule();  // IME (pinyin) composition: check once the characters are chosen
    });
    input.addEventListener("compositionend", schedule);
    input.addEventListener("scroll", function () { input.parentNode.querySelector(".hl-backdrop").scrollTop = input.scrollTop; });
    input.addEventListener("mousemove", hoverTextarea);
    input.addEventListener("mouseleave", function () { setActive(null); });
    input.addEventListener("keyup", function (ev) { if (NAV_KEYS.test(ev.key)) caretCheck(ev); });
    input.addEventListener("click", caretCheck);
    input.addEventListener("blur", function () { setActive(null); });
  });
  fields.title.addEventListener("keydown", function (ev) { if (ev.key === "Enter") ev.preventDefault(); });
  fields.title.addEventListener("input", function () {
    if (/\n/.test(fields.title.value)) {
      var pos = fields.title.selectionStart;
      fields.title.value = fields.title.value.replace(/\r?\n/g, " ");
      fields.title.setSelectionRange(pos, pos);
    }
  }, true);

  $("apply-all").addEventListener("click", applyAll);
  $("copy-clean").addEventListener("click", copyClean);
  $("lang-toggle").addEventListener("click", function () {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localSet(LANG_STORE, state.lang);
    renderStatic();
    renderAll();
  });
  $("key-toggle").addEventListener("click", function () { showKeyPanel($("key-panel").hidden); });
  $("key-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = $("key-input").value.trim();
    if (v) { setKey(v); showKeyPanel(false); }
  });
  $("key-forget").addEventListener("click", function () { setKey(""); });

  var drop = $("drop"), input = $("file-input");
  drop.addEventListener("click", function () { input.click(); });
  drop.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); input.click(); }
  });
  input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (type) {
    drop.addEventListener(type, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    drop.addEventListener(type, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) { addFiles(ev.dataTransfer && ev.dataTransfer.files); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") setActive(null); });
  window.addEventListener("resize", function () { Object.keys(fields).forEach(function (n) { autosize(fields[n]); }); });

  function footer() {
    call("/readyz").then(function (r) {
      if (!r.ok || !r.body.versions) return;
      var v = r.body.versions;
      $("foot").textContent = "scanner " + (v.scanner || "") + " · " + t("wordlists") + " " + String(v.wordlists || "").slice(0, 15) +
        " · " + t("gallery") + " " + String(v.gallery || "").slice(0, 15);
    });
  }

  // exposed for tests and debugging only
  window.ScannerEditor = { cpToJs: cpToJs, state: state, scanNow: scanText };

  renderStatic();
  renderAll();
  footer();
  scanText();  // also tells us at once whether the service wants a key
})();
