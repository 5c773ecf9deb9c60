"""A self-contained HTML report of a batch run (and optionally its diff) for people.

No JavaScript and no external assets: bars are inline SVG, styling is one <style>
block, so the file can be mailed, archived or opened offline.
"""
from __future__ import annotations

from html import escape
from typing import Any, Iterable

from scanner.batch.summary import DECISIONS
from scanner.jsonio import utf8_text
from scanner.results import version_label

DECISION_COLOURS = {"block": "#c62828", "review": "#ef8f00", "pass": "#2e7d32", "error": "#6d4c41"}
BAR_COLOUR = "#3f6fb5"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;
 margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#666} .cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:120px}
.card b{display:block;font-size:1.4rem} table{border-collapse:collapse;width:100%}
td,th{padding:.2rem .5rem;text-align:left;vertical-align:middle;border-bottom:1px solid #f0f0f0}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} svg{display:block}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:2rem} code{font-size:12px;word-break:break-all}
@media (max-width:800px){.grid{grid-template-columns:1fr}}
.filter{margin:.3rem 0}.filter .opt{white-space:nowrap}.filter .fl{color:#666;margin-right:.4rem}.filter label{margin:0 .6rem 0 .15rem;cursor:pointer}
.chip{display:inline-block;padding:0 .35rem;border-radius:3px;background:#eceff4;font-size:12px}
.k-counterfeit,.k-prohibited_goods,.k-illegal_service,.k-counterfeit_image{background:#f8d7d7}.k-brand{background:#e6dcf5}
.k-diversion{background:#d8e8fb}.k-personal_data{background:#e3f2d5}
table.listings td{vertical-align:top} table.listings q{font-weight:600}
"""


def _bar(value: int, maximum: int, colour: str = BAR_COLOUR, width: int = 260) -> str:
    w = 0 if maximum <= 0 else max(1, round(width * value / maximum)) if value else 0
    return (f'<svg width="{width}" height="14" role="img" aria-label="{value}">'
            f'<rect width="{width}" height="14" fill="#f2f2f2"/><rect width="{w}" height="14" fill="{colour}"/></svg>')


def _table(title: str, rows: Iterable[tuple[str, int]], colours: dict[str, str] | None = None,
           total: int | None = None) -> str:
    rows = list(rows)
    if not rows:
        return f"<section><h2>{escape(title)}</h2><p class=meta>none</p></section>"
    maximum = max(v for _, v in rows) or 1
    body = []
    for label, value in rows:
        pct = f" ({100 * value / total:.1f}%)" if total else ""
        colour = (colours or {}).get(label, BAR_COLOUR)
        body.append(f"<tr><td>{escape(str(label))}</td><td>{_bar(value, maximum, colour)}</td>"
                    f"<td class=n>{value:,}{pct}</td></tr>")
    return f"<section><h2>{escape(title)}</h2><table>{''.join(body)}</table></section>"


def _stacked(decisions: dict[str, int], width: int = 1000) -> str:
    total = sum(decisions.values()) or 1
    x, parts = 0.0, []
    for key in DECISIONS:
        w = width * decisions.get(key, 0) / total
        if w:
            parts.append(f'<rect x="{x:.2f}" width="{w:.2f}" height="26" fill="{DECISION_COLOURS[key]}">'
                         f"<title>{key}: {decisions.get(key, 0):,}</title></rect>")
        x += w
    return f'<svg viewBox="0 0 {width} 26" preserveAspectRatio="none" width="100%" height="26" role="img" aria-label="decisions">{"".join(parts)}</svg>'


def render_html(summary: dict[str, Any], diff: dict[str, Any] | None = None, title: str = "Batch scan report",
                listings=None) -> str:
    """`listings`: a scanner.batch.listings_table.ListingsTable to list which listings were flagged (optional)."""
    d = summary["decisions"]
    rows = summary["rows"]
    cards = "".join(
        f'<div class=card style="border-top:4px solid {DECISION_COLOURS[k]}">{k}<b>{d.get(k, 0):,}</b>'
        f'{100 * d.get(k, 0) / rows:.1f}%</div>' if rows else f"<div class=card>{k}<b>0</b></div>"
        for k in DECISIONS)
    versions = "".join(f"<tr><td>{escape(k)}</td><td><code>{escape(version_label(v))}</code></td></tr>"
                       for k, v in (summary.get("versions") or {}).items())
    rate = summary.get("rows_per_s")
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class=meta>{rows:,} listings from <code>{escape(summary.get('input', ''))}</code> · "
        f"{summary.get('seconds', 0):,.1f} s" + (f" · {rate:,.0f} rows/s" if rate else "")
        + f" · {summary.get('workers', '?')} workers · finished {escape(summary.get('finished_at', ''))}"
        + (f" · resumed after {summary['resumed_from']:,} rows" if summary.get("resumed_from") else "") + "</p>",
        f"<div class=cards>{cards}</div>",
        _stacked(d),
        "<div class=grid>",
        _table("Listings by category", summary.get("categories", {}).items(), total=rows),
        _table("Brands named", summary.get("brands", {}).items(), total=rows),
        "</div><div class=grid>",
        _table("Top terms", [(f"{t['term']} · {t['category']}", t["listings"]) for t in summary.get("terms", [])],
               total=rows),
        _table("Error rows by code", summary.get("errors", {}).items(), colours={}, total=rows)
        + (_table("Unfinished scans (flagged review) by reason", summary["incomplete"].items(),
                  colours={}, total=rows) if summary.get("incomplete") else "")
        + (_table("Image errors", summary.get("image_errors", {}).items()) if summary.get("image_errors") else "")
        + (_table("Gallery entries matched", summary.get("gallery", {}).items()) if summary.get("gallery") else ""),
        "</div>",
        f"<section><h2>Versions</h2><table>{versions or '<tr><td>unknown</td></tr>'}</table></section>",
    ]
    if listings is not None:
        from scanner.batch.listings_table import render as render_listings

        parts.append(render_listings(listings))
    if diff is not None:
        parts.append(_diff_section(diff))
    parts.append("</body></html>")
    return utf8_text("\n".join(parts))  # an id echoed from the input may hold a lone surrogate


def _diff_section(diff: dict[str, Any], limit: int = 200) -> str:
    t = diff["totals"]
    out = [f"<section><h2>Changes since <code>{escape(diff['old'])}</code></h2>",
           f"<p>{t['decision_changed']:,} of {t['compared']:,} listings changed decision; "
           f"{t['findings_changed']:,} changed findings only; {t['only_old']:,} gone, {t['only_new']:,} new.</p>",
           "<div class=grid>",
           _table("Transitions", diff["transitions"].items()),
           _table("Why", [(f"{ {'new': '+', 'gone': '−', 'effect changed': '~'}[c['change']]} {c['name']} · {c['category']}",
                           c["listings"]) for c in diff["causes"][:30]]),
           "</div>"]
    if diff["changes"]:
        rows = []
        for ch in diff["changes"][:limit]:
            why = [f"+{c.get('term') or c.get('gallery_id')}" for c in ch["added"]] + \
                  [f"−{c.get('term') or c.get('gallery_id')}" for c in ch["removed"]] + \
                  [f"~{c.get('term') or c.get('gallery_id')}" for c in ch["effect_changed"]]
            rows.append(f"<tr><td><code>{escape(str(ch['id']))}</code></td>"
                        f"<td>{escape(ch['old']['decision'])} → {escape(ch['new']['decision'])}</td>"
                        f"<td>{escape(', '.join(why))}</td></tr>")
        out.append(f"<table><tr><th>listing</th><th>decision</th><th>why</th></tr>{''.join(rows)}</table>")
    out.append("</section>")
    return "".join(out)
