/* The page's words in English and Chinese, and t() to look them up in the reader's language.
 * Category names are not here: they come from categories.js, the page's one list of categories. */
import { CATEGORY_LABELS } from "./categories.js";
import { state } from "./state.js";

const STRINGS = {
  en: {
    rvTitle: "Review queue", rvEditorLink: "Editor", rvKeyLabel: "Reviewing needs a reviewer key (X-API-Key). It is kept only in this browser tab's session.",
    rvQueue: "Queue", rvStatus: "Status", rvOpen: "open", rvClaimed: "claimed", rvDone: "done", rvCategory: "Category",
    rvAll: "all", rvRefresh: "Refresh", rvClaimNext: "Claim next (N)", rvItem: "Item",
    rvNothing: "Nothing claimed. Press N or “Claim next”.", rvMissed: "Missed",
    rvMissedHint: "Select words in the copy above, choose a category and press M to add what the machine missed.",
    rvAddMissed: "Add selection as missed (M)", rvNote: "Note", rvApprove: "Approve (A)", rvReject: "Reject (R)",
    rvKeys: "Keys: J/K next/previous finding · F false positive · C correct · M missed · A approve · R reject · N next item",
    rvLease: "yours until {t}", rvAbout: "{k} of listing {l}", rvKind_review: "review", rvKind_qa: "Q&A", rvInlineImage: "(image sent inline, not kept)", rvCorrect: "correct",
    rvFalsePositive: "false positive", rvRemove: "Remove", rvCount: "{n} item(s)",
    rvSelectFirst: "Select the missed words in the copy first.", rvMissedAdded: "Added as missed: {w}",
    rvQueueEmpty: "Nothing is waiting.", rvClaimedItem: "Claimed item #{id}.",
    rvSaved: "Item #{id}: {d}; {n} proposal(s) for the word lists.", rvApproved: "approved", rvRejected: "rejected",
    rvStats: "Quality", rvDepth: "Queue: {o} open, {c} claimed, {d} done", rvTimes: "Verdicts: {a} approved, {r} rejected; time to verdict p50 {p}",
    rvPrecision: "precision", rvMissedRate: "Missed rate (missed ÷ (missed + correct)): {r}",
    title: "Listing compliance editor", skip: "Skip to findings", apiKey: "API key",
    keyLabel: "This service needs an API key (X-API-Key). It is kept only in this browser tab's session.",
    keySave: "Use key", keyForget: "Forget key", listing: "Listing", fTitle: "Title", fDescription: "Description",
    modeListing: "Listing", modeReview: "Review", modeQa: "Q&A", fText: "Review or Q&A text", fListingId: "Listing id (optional)",
    fSpeaker: "Who is writing", speakerBuyer: "A buyer (question or answer)", speakerSeller: "The seller (answer)",
    signals: "About the listing", signalsNote: "A buyer's report about the goods: it raises the listing's risk and does not count against this review.",
    fBullets: "Bullets", fBulletsHint: "(optional, one per line)", images: "Images",
    dropHint: "Drop images here, or click / press Enter to choose files", authorizedFor: "Authorized brands:",
    score: "Score", applyAll: "Apply all suggestions", copyClean: "Copy cleaned text", findings: "Findings",
    noFindings: "No findings — nothing to fix in the text.", imageResults: "Image results", noImages: "No images added.",
    langOther: "中文", dec_pass: "Pass", dec_review: "Review", dec_block: "Block", dec_idle: "—",
    scanning: "checking…", textPart: "text", imagesPart: "images", colon: ": ",
    sev_low: "low", sev_medium: "medium", sev_high: "high",
    eff_block: "blocks", eff_review: "needs review", eff_none: "harmless here",
    term: "Term", severity: "Severity", why: "Why", suggestion: "Suggested rewrite", field: "Field",
    sugNone: "no automatic rewrite", sugDelete: "delete these words",
    apply: "Apply suggestion", authorize: "I am authorized for this brand", show: "Show in text",
    unauthorize: "Remove authorization for {b}", removeImage: "Remove image {n}",
    applied: "Applied: {a} → {b}", appliedAll: "Applied the suggested copy: {n} field(s) rewritten.", nothingToApply: "No suggestions to apply.",
    stale: "The text changed since the last check — checking again, then try once more.",
    copied: "Copied the suggested copy ({n} field(s) rewritten); {m} finding(s) still need a manual edit.",
    copyFailed: "Could not copy to the clipboard; the cleaned text is selected below.",
    authorizedNow: "Marked as authorized: {b}. Checking again…",
    imgScanning: "checking image…", imgNoMatch: "No match in the counterfeit gallery.",
    imgTextFindings: "Text read in this image (OCR)", ocrConfidence: "OCR confidence {c}", imgReads: "reads",
    imgMatch: "Matches gallery entry", brand: "Brand", label: "Label", distance: "Distance (bits)",
    noThumb: "no thumbnail", noPreview: "no preview", notImage: "not an image", imgError: "Image not checked", yourImage: "your image", galleryCaption: "gallery",
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
    policy: "Policy profile", policyDefault: "(default)", policyPinned: "(fixed by your API key)",
    policyDecided: "Decided under profile {p}",
  },
  zh: {
    rvTitle: "人工复核队列", rvEditorLink: "编辑器", rvKeyLabel: "复核需要复核员密钥（X-API-Key），只保存在本标签页的会话中。",
    rvQueue: "队列", rvStatus: "状态", rvOpen: "待复核", rvClaimed: "复核中", rvDone: "已完成", rvCategory: "类别",
    rvAll: "全部", rvRefresh: "刷新", rvClaimNext: "领取下一条（N）", rvItem: "当前条目",
    rvNothing: "尚未领取条目。按 N 或点击“领取下一条”。", rvMissed: "漏检",
    rvMissedHint: "在上方文案中选中文字，选择类别后按 M，记录机器漏检的内容。",
    rvAddMissed: "将选中文字记为漏检（M）", rvNote: "备注", rvApprove: "通过（A）", rvReject: "驳回（R）",
    rvKeys: "快捷键：J/K 下一条/上一条发现 · F 误报 · C 正确 · M 漏检 · A 通过 · R 驳回 · N 下一条目",
    rvLease: "领取有效至 {t}", rvAbout: "商品 {l} 的{k}", rvKind_review: "评价", rvKind_qa: "问答", rvInlineImage: "（内联图片，未保存）", rvCorrect: "正确",
    rvFalsePositive: "误报", rvRemove: "移除", rvCount: "{n} 条",
    rvSelectFirst: "请先在文案中选中漏检的文字。", rvMissedAdded: "已记为漏检：{w}",
    rvQueueEmpty: "队列中没有待复核的条目。", rvClaimedItem: "已领取条目 #{id}。",
    rvSaved: "条目 #{id}：{d}；生成 {n} 条词库修改建议。", rvApproved: "已通过", rvRejected: "已驳回",
    rvStats: "质量", rvDepth: "队列：待复核 {o}，复核中 {c}，已完成 {d}", rvTimes: "结论：通过 {a}，驳回 {r}；从入队到结论的中位时间 {p}",
    rvPrecision: "准确率", rvMissedRate: "漏检率（漏检 ÷（漏检 + 正确））：{r}",
    title: "商品文案合规检查", skip: "跳到检查结果", apiKey: "API 密钥",
    keyLabel: "此服务需要 API 密钥（X-API-Key），仅保存在当前浏览器标签页的会话中。",
    keySave: "使用密钥", keyForget: "清除密钥", listing: "商品文案", fTitle: "标题", fDescription: "描述",
    modeListing: "商品文案", modeReview: "评价", modeQa: "问答", fText: "评价或问答内容", fListingId: "商品编号（可选）",
    fSpeaker: "发言人", speakerBuyer: "买家（提问或回答）", speakerSeller: "卖家（回答）",
    signals: "关于商品的反馈", signalsNote: "买家对商品的反馈：提高该商品的风险，不计入这条评价的结论。",
    fBullets: "卖点", fBulletsHint: "（可选，每行一条）", images: "图片",
    dropHint: "把图片拖到这里，或点击 / 按回车选择文件", authorizedFor: "已授权品牌：",
    score: "风险分", applyAll: "全部采用建议", copyClean: "复制修改后的文案", findings: "检查结果",
    noFindings: "未发现问题。", imageResults: "图片结果", noImages: "尚未添加图片。",
    langOther: "English", dec_pass: "通过", dec_review: "需复核", dec_block: "拦截", dec_idle: "—",
    scanning: "检查中…", textPart: "文字", imagesPart: "图片", colon: "：",
    sev_low: "低", sev_medium: "中", sev_high: "高",
    eff_block: "导致拦截", eff_review: "需要复核", eff_none: "此处无害",
    term: "词条", severity: "严重程度", why: "原因", suggestion: "建议改写", field: "字段",
    sugNone: "无自动改写", sugDelete: "删除这些字",
    apply: "采用建议", authorize: "我已获得该品牌授权", show: "在文中定位",
    unauthorize: "取消 {b} 的授权", removeImage: "移除图片 {n}",
    applied: "已改写：{a} → {b}", appliedAll: "已采用建议文案：改写了 {n} 个字段。", nothingToApply: "没有可采用的建议。",
    stale: "文案在上次检查后有改动——正在重新检查，请稍后再试。",
    copied: "已复制建议文案（改写了 {n} 个字段）；还有 {m} 处需要手动修改。",
    copyFailed: "无法写入剪贴板；修改后的文案已在下方选中。",
    authorizedNow: "已标记为授权品牌：{b}，正在重新检查…",
    imgScanning: "正在检查图片…", imgNoMatch: "未匹配到假冒图库。",
    imgTextFindings: "图片中识别出的文字（OCR）", ocrConfidence: "识别置信度 {c}", imgReads: "识别结果",
    imgMatch: "匹配图库条目", brand: "品牌", label: "标签", distance: "距离（位）",
    noThumb: "无缩略图", noPreview: "无法预览", notImage: "不是图片", imgError: "图片未能检查", yourImage: "你的图片", galleryCaption: "图库",
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
    policy: "策略配置", policyDefault: "（默认）", policyPinned: "（由 API 密钥固定）",
    policyDecided: "判定所用策略：{p}",
  },
};

/** The string for `key` in the current language (English, then the key itself, when missing); {name} filled from vars. */
export function t(key, vars) {
  let s = (STRINGS[state.lang] && STRINGS[state.lang][key]) || STRINGS.en[key] || key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] == null ? "" : String(vars[k])));
  return s;
}

/** The scan options every request sends: explanations in the page's language, the chosen policy profile
 * (docs/api.md "Scan options"). */
export function scanOptions() {
  const options = { language: state.lang === "zh" ? "zh" : "en" };
  if (state.policy) options.policy = state.policy;  // the profile chosen in the page (policies.js)
  return options;
}

/** Whether the page has its own wording for `key` (so an error code gets a sentence, not just its code). */
export function hasString(key) { return Boolean(STRINGS.en[key]); }

/** A category's label in the current language (English when missing), or its id before the table has loaded. */
export function categoryLabel(category) {
  const labels = CATEGORY_LABELS[category];
  return (labels && (labels[state.lang] || labels.en)) || category;
}

export function formatBytes(n) {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return n / (1024 * 1024) + " MB";
  if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + " MB";
  if (n >= 1024) return Math.round(n / 1024) + " KB";
  return n + " B";
}
