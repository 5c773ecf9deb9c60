"""Why an image finding fired, in each language of categories.LANGUAGES: the image side's twin of
scanner/text/verify/explain.py (kept apart so the gallery tools need not import the text engine).

An image finding carries `Reason("gallery_match", params)` (the hashes that proposed it) and, when the entry
has verification data (algorithm v4, #17), `Reason("gallery_verified", params)` (what decided it), else
`Reason("gallery_unverified", params)` (why the hash rule decided); its English explanation is rendered
when it is made (`GallerySnapshot.match`), another language at the end of the scan (scanner/engine.py).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from scanner.images import hashing
from scanner.results import Reason

# Words for the hashing views, per language.
_VIEW_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "orig": "original", "mirror": "mirrored", "rot+3": "rotated -3° back", "rot-3": "rotated +3° back",
        "top": "top 80% (bottom banner/crop ignored)", "bottom": "bottom 80% (top banner/crop ignored)",
        "center": "centre crop", "tl": "top-left crop", "tr": "top-right crop", "bl": "bottom-left crop",
        "br": "bottom-right crop",
    },
    "zh": {
        "orig": "原图", "mirror": "镜像", "rot+3": "回转 -3°", "rot-3": "回转 +3°",
        "top": "上部 80%（忽略底部横幅或裁切）", "bottom": "下部 80%（忽略顶部横幅或裁切）",
        "center": "中心裁切", "tl": "左上裁切", "tr": "右上裁切", "bl": "左下裁切", "br": "右下裁切",
    },
}
_ANCHOR_WORDS = {
    "en": {"tl": "top-left", "tr": "top-right", "bl": "bottom-left", "br": "bottom-right", "c": "centre",
           "t": "top", "b": "bottom", "l": "left", "r": "right"},
    "zh": {"tl": "左上", "tr": "右上", "bl": "左下", "br": "右下", "c": "中心", "t": "上部", "b": "下部", "l": "左侧",
           "r": "右侧"},
}
_CROP = {"en": "{anchor} {percent}% crop", "zh": "{anchor} {percent}% 裁切"}
for _lang, _words in _VIEW_WORDS.items():
    for _v in hashing.CROP_VIEWS:
        _anchor = _v.rstrip("0123456789")
        _words[_v] = _CROP[_lang].format(anchor=_ANCHOR_WORDS[_lang][_anchor], percent=_v[len(_anchor):])


def _view(code: str, language: str) -> str:
    return _VIEW_WORDS[language].get(code, code)


def _label(p: Mapping[str, Any], language: str) -> str:
    if not p["label"]:
        return ""
    return f" '{p['label']}'" if language == "en" else f"“{p['label']}”"


def _distances_en(p: Mapping[str, Any]) -> str:
    return ", ".join(f"colour {d} (limit {limit})" if h == "colour" else f"{h} {d}/{hashing.HASH_BITS[h]} bits (limit {limit})"
                     for h, d, limit in p["distances"])


def _distances_zh(p: Mapping[str, Any]) -> str:
    return "，".join(f"颜色 {d}（上限 {limit}）" if h == "colour" else f"{h} {d}/{hashing.HASH_BITS[h]} 位（上限 {limit}）"
                     for h, d, limit in p["distances"])


def _cells_agree_en(p: Mapping[str, Any]) -> str:
    """A verified match's cell measures; its colour is None when it was not compared (a grey listing photo)."""
    if p["colour"] is None:
        return (f"colour not compared, {p['structure']:.0%} of the product's cells agree in structure and "
                f"{p.get('detail', 1.0):.0%} in fine detail")
    return (f"{p['colour']:.0%} of the product's cells agree in colour, {p['structure']:.0%} in structure and "
            f"{p.get('detail', 1.0):.0%} in fine detail")


def _cells_agree_zh(p: Mapping[str, Any]) -> str:
    rest = f"{p['structure']:.0%} 结构一致、{p.get('detail', 1.0):.0%} 细节纹理一致"
    if p["colour"] is None:
        return f"未比较颜色，商品区域 {rest}"
    return f"商品区域 {p['colour']:.0%} 的格子颜色一致、{rest}"


_TEMPLATES: dict[str, dict[str, Callable[[Mapping[str, Any]], str]]] = {
    "gallery_match": {
        "en": lambda p: (
            f"matches counterfeit gallery image {p['id']}{_label(p, 'en')} ({p['brand']}): "
            f"all hashes and the colour agree ({_distances_en(p)}); listing image view: {_view(p['query_view'], 'en')}; "
            f"gallery view: {_view(p['gallery_view'], 'en')}"),
        "zh": lambda p: (
            f"与假冒图库图片 {p['id']}{_label(p, 'zh')}（{p['brand']}）相符："
            f"各项哈希与颜色均一致（{_distances_zh(p)}）；商品图视角：{_view(p['query_view'], 'zh')}；"
            f"图库视角：{_view(p['gallery_view'], 'zh')}"),
    },
    "gallery_verified": {
        "en": lambda p: (
            f"verified by alignment{' of the mirrored photo' if p['mirrored'] else ''}: {p['inliers']} matching "
            f"keypoints, {_cells_agree_en(p)}; {p.get('residual', 0.0):.1%} of its pixels differ"),
        "zh": lambda p: (
            f"{'镜像后' if p['mirrored'] else ''}对齐验证通过：{p['inliers']} 个匹配特征点，{_cells_agree_zh(p)}；"
            f"{p.get('residual', 0.0):.1%} 的像素不同"),
    },
    "gallery_colour_unchecked": {
        "en": lambda p: ("colour not compared: the listing photo is greyscale, and the same product in another "
                         "colour looks alike in grey; left for a person to review, not blocked"),
        "zh": lambda p: "未比较颜色：商品图为灰度图，其他颜色的同款在灰度下看起来相同；转人工复核，不直接拦截",
    },
    "gallery_unverified": {
        "en": lambda p: (
            "not verified by alignment: the gallery keeps no image copy of this entry" if p["keypoints"] is None else
            f"not verified by alignment: the gallery image has {p['keypoints']} keypoints, fewer than a fit needs"
        ) + "; decided by the hashes at the calibrated limits",
        "zh": lambda p: (
            "未做对齐验证：图库未保存该图片的副本" if p["keypoints"] is None else
            f"未做对齐验证：图库图片只有 {p['keypoints']} 个特征点，不足以对齐"
        ) + "；按哈希的校准上限判定",
    },
}


def gallery_match(entry_id: str, label: str | None, brand: str, distances: tuple[tuple[str, int, int], ...],
                  query_view: str, gallery_view: str) -> Reason:
    """`distances`: (hash name, distance, limit) per hash the gallery checks."""
    return Reason("gallery_match", {"id": entry_id, "label": label, "brand": brand, "distances": distances,
                                    "query_view": query_view, "gallery_view": gallery_view})


def gallery_verified(inliers: int, colour: float | None, structure: float, mirrored: bool, detail: float = 1.0,
                     residual: float = 0.0) -> Reason:
    """Geometric verification's measures for an accepted match (scanner/images/verify.py); `colour` None when it
    was not compared (a grey listing photo)."""
    return Reason("gallery_verified", {"inliers": inliers, "colour": None if colour is None else round(colour, 3),
                                       "structure": round(structure, 3), "mirrored": mirrored,
                                       "detail": round(detail, 3), "residual": round(residual, 4)})


def gallery_colour_unchecked() -> Reason:
    """A verified match whose colour could not be compared (a grey listing photo): review, not block."""
    return Reason("gallery_colour_unchecked", {})


def gallery_unverified(keypoints: int | None) -> Reason:
    """A match decided by the hash rule alone: the entry has no image copy (None) or too few keypoints."""
    return Reason("gallery_unverified", {"keypoints": keypoints})


_JOINERS = {"en": "; ", "zh": "；"}


def render(reasons: tuple[Reason, ...], language: str = "en") -> str:
    return _JOINERS[language].join(_TEMPLATES[r.code][language](r.params) for r in reasons)
