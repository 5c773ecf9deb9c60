"""Load the word lists in `wordlists/` (reviewable TSV + TOML) into value types.

The directory's content hash is the `versions.wordlists` of every result, so a
rescan can always say which lists produced it. Any malformed row fails the whole
load with file:line, so a bad edit can never be half-applied by a reload. So does a
missing required file, an empty required list and a policy value out of range (fail
closed: a reload keeps the old version, start-up stops). See wordlists/README.md.
"""
from __future__ import annotations

from functools import cached_property

import csv
import hashlib
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from scanner.text.normalize import MIN_KEY_CHARS, is_cjk, match_key
from scanner.text.policy_schema import (ACTIONS, DESCRIPTION_KEY, PolicyError, custom_actions, line_of, merge_policy,
                                        parse_description, parse_policy)
from scanner.categories import CATEGORIES, RESERVED_IDS, Category
from scanner.results import SEVERITIES

TERM_COLUMNS = ["term", "category", "severity", "suggestion", "variants", "pinyin", "note"]
BRAND_COLUMNS = ["brand", "owner", "sector", "zh", "en", "slang", "pinyin", "ambiguous", "context", "note"]
ALLOW_COLUMNS = ["phrase", "category", "note"]
COMPAT_COLUMNS = ["cue", "position", "note"]
EXEMPTION_COLUMNS = ["cue", "rule", "note"]
EXEMPTION_RULES = ("spec_noun", "self_comparison", "time_order", "negation", "provenance", "tests_for", "depiction",
                   "depicted")
PROXIMITY_COLUMNS = ["rule", "category", "severity", "suggestion", "first", "second", "window", "order", "note"]
LEXICON_COLUMNS = ["word", "source"]
# An operator's own category (#20): custom/<id>.tsv, declared by `# key: value` lines before the header.
CUSTOM_COLUMNS = ["term", "variants", "note"]
CUSTOM_KEYS = ("category", "label_en", "label_zh", "severity", "action")
CUSTOM_ACTIONS = tuple(a for a in ACTIONS if a != "none")  # off is policy.toml's `none`, not a file's default
CUSTOM_ID = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_LABEL_CHARS = 60
# personal_data has no term list: its recognisers validate numbers (scanner/text/personal_data.py).
TEXT_CATEGORIES = tuple(c for c in CATEGORIES if c not in ("brand", "counterfeit_image", "personal_data"))
MIN_PINYIN_LETTERS = 5  # shorter pinyin (diao, lv) collides with ordinary words

# Lists of things to find: each must exist and hold at least one entry. Without one the scanner would
# silently pass what it should flag (a deleted brands.tsv once made every listing pass a reload).
# A category an operator does not want is switched off in policy.toml (`actions`), not by deletion.
REQUIRED_LISTS = (
    *(f"terms/{c}.tsv" for c in TEXT_CATEGORIES),
    "with_brand/counterfeit.tsv",
    "brands.tsv",
    "proximity.tsv",
)
# Must exist but may hold no entries (header only): lists that only ever make the scanner find less,
# and the policy (an empty file means the defaults).
REQUIRED_FILES = ("allowlist.tsv", "compatibility.tsv", "exemptions.tsv", "policy.toml")


class WordlistError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    category: str
    severity: str
    suggestion: str | None  # "" = delete the words; None = no suggestion
    variants: tuple[str, ...]
    pinyin: tuple[str, ...]
    note: str
    source: str  # file:line, for explanations
    requires_brand: bool = False  # counts only when the listing names a brand (1:1, copy)
    # the policy profiles whose listings it counts in (profiles/<name>/terms/, #20); () = every profile
    profiles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Brand:
    brand: str
    owner: str
    sector: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    slang: tuple[str, ...]
    pinyin: tuple[str, ...]
    ambiguous: frozenset[str]
    context: tuple[str, ...]
    note: str
    source: str

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.brand, *self.zh, *self.en, *self.slang)


@dataclass(frozen=True, slots=True)
class AllowPhrase:
    phrase: str
    category: str  # category it suppresses, or "*"
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class ProximityRule:
    """A violation said in more than one word: a `first` cue and a `second` cue in the
    same clause, at most `window` characters apart (好评 … 返3元, treats … diabetes)."""

    rule: str
    category: str
    severity: str
    suggestion: str | None
    first: tuple[str, ...]
    second: tuple[str, ...]
    window: int
    ordered: bool  # True: first must come before second
    note: str
    source: str
    any_field: bool = False  # order `any_field`: also paired across two fields of one listing (#15)


@dataclass(frozen=True)
class Wordlists:
    directory: Path
    version: str
    terms: tuple[Term, ...]
    brands: tuple[Brand, ...]
    allow: tuple[AllowPhrase, ...]
    compat_before: tuple[str, ...]
    compat_after: tuple[str, ...]
    exemptions: dict[str, tuple[str, ...]]
    policy: dict = field(default_factory=dict)
    proximity: tuple[ProximityRule, ...] = ()
    compat_attributes: tuple[str, ...] = ()  # attribute names whose brands are compatibility (#15)
    # the operator's own categories (custom/<id>.tsv, #20), in file-name order, and the labels their
    # explanations carry (built-in labels are scanner/categories.py's)
    custom_categories: tuple[Category, ...] = ()
    custom_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # named policy profiles (profiles/<name>.toml, #20): each one's policy, the overlay merged over `policy`
    profiles: dict[str, dict] = field(default_factory=dict)
    # what each profile is for, `default` included: {"en", "zh" or None} (GET /v1/policies); never decides anything
    profile_descriptions: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @cached_property
    def brand_site_names(self) -> frozenset[str]:
        """Brand names as a web address spells them (letters and digits, lower case: nike, drmartens, samsung),
        for telling a link to the maker's own site from a link to another shop (#15). Four characters at least:
        shorter aliases (LV, AJ, HP) are the first label of too many other sites."""
        out = set()
        for b in self.brands:
            for name in (b.brand, *b.en):
                key = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())
                if len(key) >= 4:
                    out.add(key)
        return frozenset(out)

    def terms_outside(self, profile: str) -> frozenset[int]:
        """Indexes (into `terms`) of the profile-only terms that do not count under `profile`."""
        return frozenset(i for i, t in enumerate(self.terms) if t.profiles and profile not in t.profiles)

    def segmenter_words(self) -> tuple[list[str], list[str]]:
        """(words, phrases) the segmenter learns over jieba's dictionary: listed terms, their variants and brand
        names, so they stand as words of their own; allow-list phrases, so they win over the terms inside them.
        A profile's own terms stay out: the segmenter is shared, and a new word there would change how every
        other profile's listings are cut into words."""
        shared = [t for t in self.terms if not t.profiles]
        words = [t.term for t in shared] + [v for t in shared for v in t.variants]
        words += [a for b in self.brands for a in b.aliases]
        return words, [a.phrase for a in self.allow]

    def counts(self) -> dict[str, int]:
        counts = {c: 0 for c in (*TEXT_CATEGORIES, *(c.id for c in self.custom_categories))}
        for t in self.terms:
            counts[t.category] += 1
        counts["brand"] = len(self.brands)
        counts["allowlist"] = len(self.allow)
        counts["proximity_rules"] = len(self.proximity)
        return counts


def split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (cell or "").split("|") if v.strip())


def _syllables(chinese: str) -> list[str]:
    """Toneless pinyin per character (pypinyin imported here: only a build needs it, and its import costs
    ~0.3 s that `scanner check` with a cached engine does not pay)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(chinese, style=Style.NORMAL, errors="ignore")


def derive_pinyin(chinese: str) -> str | None:
    """Toneless pinyin of an all-Chinese term (耐克 → naike), if long enough to be safe."""
    if not chinese or not all(is_cjk(c) for c in chinese):
        return None
    joined = "".join(_syllables(chinese))
    return joined if len(joined) >= MIN_PINYIN_LETTERS and joined.isascii() else None


def _pinyin_cell(cell: str, chinese: tuple[str, ...]) -> tuple[str, ...]:
    values = split_list(cell)
    out: list[str] = []
    for v in values:
        if v.lower() == "auto":
            for c in chinese:
                joined = derive_pinyin(c)
                if joined:
                    # sellers write it run together (gaofang) or by syllable (gao fang)
                    out += [joined, " ".join(_syllables(c))]
        else:
            out.append(v)
    return tuple(dict.fromkeys(out))


MIXED_MAX_CHARS = 4  # 2**n - 2 mixes per term; longer terms are rarely typed half in pinyin


def mixed_spellings(chinese: str, curated: bool) -> tuple[str, ...]:
    """Half-pinyin spellings of a Chinese term that sellers type to dodge a filter (#15):
    高仿 → gao仿 / 高fang / 高f, 降血糖 → 降xue糖 / 降xt. Generated at build, so one term row covers
    the family. Forms led by pinyin (gao仿) only for terms whose pinyin column is set (reviewed as
    typed in pinyin): for other terms a leading syllable can be an English word (fan现 in
    "fan现货"). Initials (降xt) only after a leading character and, unless curated, for 3+ characters."""
    n = len(chinese)
    if not 2 <= n <= MIXED_MAX_CHARS or not all(is_cjk(c) for c in chinese):
        return ()
    syllables = _syllables(chinese)
    if len(syllables) != n or not all(s.isascii() and s.isalpha() for s in syllables):
        return ()
    out = []
    for mask in range(1, 2**n - 1):  # bit i set: character i written as its syllable
        out.append("".join(syllables[i] if mask >> i & 1 else chinese[i] for i in range(n)))
    if curated or n >= 3:
        out.append(chinese[0] + "".join(s[0] for s in syllables[1:]))
    # one inner character as its initial (黑火药 → 黑h药, 听话水 → 听h水): the letter alone stands for the sound
    out += [chinese[:i] + syllables[i][0] + chinese[i + 1:] for i in range(1, n - 1)]
    return tuple(dict.fromkeys(out))


# Characters sellers write as their two components side by side (高亻方 for 高仿, 氵台疗 for 治疗,
# 弓单簧刀 for 弹簧刀), from the left-right decompositions in the Unihan IDS data. A term gains one
# variant for each choice of characters split, so the family needs no row of its own (#15).
SPLIT_CHARS = {
    "仿": "亻方", "治": "氵台", "弹": "弓单", "枪": "木仓", "假": "亻叚", "信": "亻言", "减": "冫咸",
    "评": "讠平", "证": "讠正", "版": "片反", "货": "化贝", "钱": "钅戋", "销": "钅肖", "精": "米青",
    "纺": "纟方", "液": "氵夜", "刻": "亥刂", "码": "石马", "现": "王见",
}


def disguised_spellings(word: str) -> tuple[str, ...]:
    """The generated spellings of a listed Chinese word that is not a term row of its own (a slot word, a rule's
    cue): half pinyin and split characters."""
    return (*mixed_spellings(word, curated=False), *split_spellings(word))


def split_spellings(term: str) -> tuple[str, ...]:
    """The term with any non-empty set of its splittable characters written as components
    (精仿 → 精亻方, 米青仿, 米青亻方); at most 3 such characters (7 variants)."""
    at = [i for i, c in enumerate(term) if c in SPLIT_CHARS][:3]
    out = []
    for mask in range(1, 2 ** len(at)):
        chars = list(term)
        for bit, i in enumerate(at):
            if mask >> bit & 1:
                chars[i] = SPLIT_CHARS[term[i]]
        out.append("".join(chars))
    return tuple(out)


def _read(path: Path, rel: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WordlistError(f"{rel}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise WordlistError(f"{rel}: cannot be read ({exc.strerror or type(exc).__name__})") from None


def _rows(path: Path, columns: list[str], rel: str):
    """Yield (line number, row dict) from a TSV with a header; `#` lines are comments."""
    text = _read(path, rel)
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return
    header = lines[0][1].split("\t")
    if [h.strip() for h in header] != columns:
        raise WordlistError(f"{rel}:{lines[0][0]}: header must be {' / '.join(columns)}, got {' / '.join(header)}")
    for n, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line), delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(columns):
            raise WordlistError(f"{rel}:{n}: {len(cells)} cells, expected at most {len(columns)}")
        cells += [""] * (len(columns) - len(cells))
        yield n, dict(zip(columns, (c.strip() for c in cells)))


def _load_terms(path: Path, rel: str, requires_brand: bool = False, profiles: tuple[str, ...] = ()) -> list[Term]:
    terms = []
    for n, row in _rows(path, TERM_COLUMNS, rel):
        where = f"{rel}:{n}"
        if not row["term"]:
            raise WordlistError(f"{where}: empty term")
        if row["category"] not in TEXT_CATEGORIES:
            raise WordlistError(f"{where}: unknown category {row['category']!r} (one of {', '.join(TEXT_CATEGORIES)})")
        if row["severity"] not in SEVERITIES:
            raise WordlistError(f"{where}: severity must be low/medium/high, got {row['severity']!r}")
        suggestion = row["suggestion"]
        suggestion = "" if suggestion == "-" else (suggestion or None)
        terms.append(
            Term(
                term=row["term"],
                category=row["category"],
                severity=row["severity"],
                suggestion=suggestion,
                variants=split_list(row["variants"]) + split_spellings(row["term"]),
                pinyin=_pinyin_cell(row["pinyin"], (row["term"],))
                + mixed_spellings(row["term"], curated=bool(row["pinyin"]))
                # a Chinese variant of three or four characters is typed half in pinyin like a term (听hua水)
                + tuple(m for v in split_list(row["variants"]) if len(v) >= 3 for m in mixed_spellings(v, curated=False)),
                note=row["note"],
                source=where,
                requires_brand=requires_brand,
                profiles=profiles,
            )
        )
    return terms


def _load_brands(path: Path, rel: str) -> list[Brand]:
    brands = []
    for n, row in _rows(path, BRAND_COLUMNS, rel):
        where = f"{rel}:{n}"
        if not row["brand"]:
            raise WordlistError(f"{where}: empty brand")
        zh, en, slang = split_list(row["zh"]), split_list(row["en"]), split_list(row["slang"])
        ambiguous = frozenset(split_list(row["ambiguous"]))
        known = {row["brand"], *zh, *en, *slang}
        unknown = ambiguous - known
        if unknown:
            raise WordlistError(f"{where}: ambiguous aliases {sorted(unknown)} are not among the brand's names")
        brands.append(
            Brand(
                brand=row["brand"],
                owner=row["owner"],
                sector=row["sector"],
                zh=zh,
                en=en,
                slang=slang,
                pinyin=_pinyin_cell(row["pinyin"], zh),
                ambiguous=ambiguous,
                context=split_list(row["context"]),
                note=row["note"],
                source=where,
            )
        )
    return brands


def content_version(directory: Path) -> str:
    """sha256 over every data file's relative path and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".tsv", ".toml")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def check_required(directory: Path) -> None:
    """WordlistError naming every required file that is missing or not a file."""
    problems = []
    for rel in (*REQUIRED_LISTS, *REQUIRED_FILES):
        path = directory / rel
        if not path.exists():
            problems.append(f"{rel}: missing")
        elif not path.is_file():
            problems.append(f"{rel}: not a file")
    if problems:
        raise WordlistError("; ".join(problems) + " (required files: see wordlists/README.md)")


def _check_matchable(terms: list[Term], brands: list[Brand]) -> None:
    """WordlistError for the first entry none of whose spellings the matcher keeps (normalize.match_key): such a row
    looks like coverage but finds nothing, so a list of them passed the check below and every listing passed."""
    for entry, spellings in ((t, (t.term, *t.variants, *t.pinyin)) for t in terms):
        if not any(match_key(s) for s in spellings):
            raise WordlistError(f"{entry.source}: term {entry.term!r} can never match (every spelling normalises to "
                                f"fewer than {MIN_KEY_CHARS} letters or digits)")
    for b in brands:
        if not any(match_key(s) for s in (b.brand, *b.zh, *b.en, *b.slang, *b.pinyin)):
            raise WordlistError(f"{b.source}: brand {b.brand!r} can never match (every spelling normalises to "
                                f"fewer than {MIN_KEY_CHARS} letters or digits)")


def _check_not_empty(terms: list[Term], brands: list[Brand], proximity: list[ProximityRule]) -> None:
    counted = {rel: 0 for rel in REQUIRED_LISTS}
    for entry in (*terms, *brands, *proximity):
        rel = entry.source.rsplit(":", 1)[0]
        if rel in counted:
            counted[rel] += 1
    empty = [rel for rel, n in counted.items() if n == 0]
    if empty:
        raise WordlistError("; ".join(f"{rel}: no entries (a required list must have at least one)" for rel in empty))


def _load_lexicons(directory: Path) -> dict[str, tuple[str, ...]]:
    """Slot lexicons (#15): `lexicons/<name>.tsv` is one slot, named `@<name>` in a proximity.tsv
    cue cell, so one rule covers a family (a claim verb × any disease) and the nouns are reviewed
    once with their source, not copied into every rule that needs them."""
    out: dict[str, tuple[str, ...]] = {}
    for path in sorted((directory / "lexicons").glob("*.tsv")):
        rel = path.relative_to(directory).as_posix()
        words = [w for _, row in _rows(path, LEXICON_COLUMNS, rel) if row["word"] for w in expand_numbers(row["word"])]
        if not words:
            raise WordlistError(f"{rel}: no entries (a slot lexicon must have at least one)")
        # the same generated spellings as a term's (咽yan, 血ya高): a slot word is a word sellers disguise too
        out[path.stem] = tuple(dict.fromkeys(form for w in words for form in (w, *disguised_spellings(w))))
    return out


# `{n}` in a slot word stands for a count (一个月, 3天, 半个月): a time span or a multiple is a
# construction of a number and a unit, and listing every number by hand would be a list of strings.
NUMBER_WORDS = (
    "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "半", "几", "十五", "二十", "三十",
    *(str(i) for i in range(1, 32)), "45", "60", "90", "100",
    # round tens and hundreds (#15, tune11): gains and losses are told in them (adds 50 horsepower, 降100度)
    "40", "50", "70", "80", "200", "300", "500",
)


def expand_numbers(word: str) -> tuple[str, ...]:
    """A slot word with `{n}` is one word per count in NUMBER_WORDS ({n}天 → 一天 … 3天 …);
    any other word is itself."""
    if "{n}" not in word:
        return (word,)
    return tuple(word.replace("{n}", n) for n in NUMBER_WORDS)
def _custom_header(text: str, rel: str) -> tuple[dict[str, tuple[int, str]], int]:
    """The `# key: value` declarations before the column header, and the header's line number."""
    declared: dict[str, tuple[int, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return declared, n
        key, sep, value = stripped.lstrip("#").strip().partition(":")
        key = key.strip()
        if sep and key in CUSTOM_KEYS:
            if key in declared:
                raise WordlistError(f"{rel}:{n}: {key} declared twice (first on line {declared[key][0]})")
            declared[key] = (n, value.strip())
    return declared, 0


def _load_custom(path: Path, rel: str) -> tuple[Category, list[Term]]:
    """One operator category (#20): `# category: <id>`, `# label_en: …`, `# label_zh: …`,
    `# severity: low|medium|high`, `# action: block|review` before the `term variants note` header.
    Anything wrong refuses the whole load with file:line, like every other list."""
    declared, header_line = _custom_header(_read(path, rel), rel)
    missing = [k for k in CUSTOM_KEYS if k not in declared]
    if missing:
        raise WordlistError(f"{rel}:1: missing {', '.join(f'# {k}: …' for k in missing)} "
                            "(an operator category declares category, label_en, label_zh, severity and action)")
    line, cid = declared["category"]
    if not CUSTOM_ID.fullmatch(cid):
        raise WordlistError(f"{rel}:{line}: category id {cid!r} must be 2-40 of a-z, 0-9, _ starting with a letter")
    if cid in RESERVED_IDS:
        raise WordlistError(f"{rel}:{line}: category {cid!r} clashes with a built-in category (scanner/categories.py)")
    if cid != path.stem:
        raise WordlistError(f"{rel}:{line}: category {cid!r} must be the file's name (custom/{path.stem}.tsv may only declare {path.stem!r})")
    for key in ("label_en", "label_zh"):
        line, label = declared[key]
        if not label or len(label) > MAX_LABEL_CHARS:
            raise WordlistError(f"{rel}:{line}: {key} must be 1-{MAX_LABEL_CHARS} characters")
    line, severity = declared["severity"]
    if severity not in SEVERITIES:
        raise WordlistError(f"{rel}:{line}: severity must be low/medium/high, got {severity!r}")
    line, action = declared["action"]
    if action not in CUSTOM_ACTIONS:
        raise WordlistError(f"{rel}:{line}: action must be block or review, got {action!r} "
                            "(switch a category off with policy.toml [actions] … = \"none\")")
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for n, row in _rows(path, CUSTOM_COLUMNS, rel):
        term = row["term"]
        if not term:
            raise WordlistError(f"{rel}:{n}: empty term")
        if term in seen:
            raise WordlistError(f"{rel}:{n}: term {term!r} already on line {seen[term]}")
        seen[term] = n
        terms.append(Term(
            term=term, category=cid, severity=severity, suggestion=None,
            variants=split_list(row["variants"]) + split_spellings(term),
            pinyin=mixed_spellings(term, curated=False), note=row["note"], source=f"{rel}:{n}",
        ))
    if not terms:
        raise WordlistError(f"{rel}:{header_line or 1}: no entries (an operator category needs at least one term)")
    label_en, label_zh = declared["label_en"][1], declared["label_zh"][1]
    return Category(cid, label_en, label_zh, action, label_en, "text"), terms


def _expand_slots(cues: tuple[str, ...], lexicons: dict[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    out: list[str] = []
    for cue in cues:
        if cue.startswith("@"):
            if cue[1:] not in lexicons:
                raise WordlistError(f"{where}: unknown slot lexicon {cue!r} (no lexicons/{cue[1:]}.tsv)")
            out += lexicons[cue[1:]]
        else:
            # a rule's own cue word is disguised like any listed word (血ya, 开piao, 肉du): the same generated
            # spellings as a term's or a slot word's (#15, engine16)
            out += (cue, *disguised_spellings(cue))
    return tuple(dict.fromkeys(out))


DEFAULT_PROFILE = "default"  # policy.toml itself; no file may take the name
PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


# `default`'s description when policy.toml has no `description` table of its own
DEFAULT_DESCRIPTION = {"en": "Default policy (policy.toml): general goods",
                       "zh": "默认策略（policy.toml）：一般商品"}
_LABEL = re.compile(r"^profile\s+`?[a-z0-9-]+`?\s*(\(#\d+\))?\s*:\s*", re.IGNORECASE)


def _description(text: str, raw: dict, rel: str, fallback: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """A policy file's description, popped from `raw`: its `description` table ({en, zh}, checked by the
    policy schema: a bad one refuses the load naming file:line), else the first line of the file's opening
    comment (English only; a leading "Profile `name` (#20):" label dropped), else `fallback`."""
    if DESCRIPTION_KEY in raw:
        try:
            return parse_description(raw.pop(DESCRIPTION_KEY))
        except PolicyError as exc:
            line = next((n for n in (line_of(text, loc) for loc in exc.locs) if n is not None), None)
            raise WordlistError(f"{rel}:{line}: {exc}" if line else f"{rel}: {exc}") from None
    first = text.lstrip("\ufeff").splitlines()[:1]
    if first and first[0].startswith("#"):
        en = _LABEL.sub("", first[0].lstrip("#").strip()).strip()
        if en and not any(ord(c) < 32 or ord(c) == 127 for c in en):
            return {"en": (en[0].upper() + en[1:])[:200], "zh": None}
    return dict(fallback) if fallback else {"en": None, "zh": None}


def check_profiles_named(known: Iterable[str], needed: Mapping[str, Iterable[str]]) -> None:
    """WordlistError unless every profile in `needed` (name -> who names it, e.g. "API key 'beauty-shop'
    (SCANNER_API_KEYS)") is among `known` (the loaded profiles, `default` included): a key's profile that is gone
    must stop start-up, a reload or a publish, never leave its listings scanned under `default`."""
    known = set(known)
    missing = [(name, tuple(who)) for name, who in sorted(needed.items()) if name not in known]
    if missing:
        raise WordlistError("; ".join(
            f"policy profile {name!r} (profiles/{name}.toml) is not in the word lists but {', '.join(who)} names it"
            for name, who in missing) + f" (known: {', '.join(sorted(known))})")


def _load_profiles(directory: Path, policy: dict, custom: dict[str, str]) -> tuple[dict[str, dict], dict[str, dict]]:
    """profiles/<name>.toml: overlays on policy.toml (#20), each merged and checked by the policy schema.
    Any bad one refuses the whole load, naming file:line (fail closed, like every other list).
    Returns (each profile's merged policy, each one's description)."""
    profiles: dict[str, dict] = {}
    descriptions: dict[str, dict] = {}
    for path in sorted((directory / "profiles").glob("*.toml")):
        rel = path.relative_to(directory).as_posix()
        name = path.stem
        if name == DEFAULT_PROFILE or not PROFILE_NAME.fullmatch(name):
            raise WordlistError(f"{rel}: a profile name is lower-case letters, digits and '-' (at most 40), "
                                f"and not {DEFAULT_PROFILE!r} (that is policy.toml)")
        text = _read(path, rel)
        try:
            overlay = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
            message = str(exc)[: at.start()].strip() if at else str(exc)
            raise WordlistError(f"{rel}:{at.group(1)}: {message}" if at else f"{rel}: {message}") from None
        descriptions[name] = _description(text, overlay, rel)
        merged = merge_policy(policy, overlay)
        try:
            parse_policy(custom_actions(merged, custom)[0])
        except PolicyError as exc:
            line = next((n for n in (line_of(text, loc) for loc in exc.locs) if n is not None), None)
            raise WordlistError(f"{rel}:{line}: {exc}" if line else f"{rel}: {exc}") from None
        profiles[name] = merged
    return profiles, descriptions


def _load_profile_terms(directory: Path, profiles: dict[str, dict]) -> list[Term]:
    """profiles/<name>/terms/*.tsv: term lists in the terms/ format that count only under profile <name>. A
    directory without its profiles/<name>.toml, or anything else in it, refuses the load (fail closed: a list
    that silently never applies is as bad as a missing one)."""
    terms: list[Term] = []
    root = directory / "profiles"
    for sub in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
        rel = sub.relative_to(directory).as_posix()
        if sub.name not in profiles:
            raise WordlistError(f"{rel}/: no profile {sub.name!r} to hold these lists (add profiles/{sub.name}.toml "
                                f"or remove the directory)")
        stray = sorted(p.relative_to(directory).as_posix() for p in sub.rglob("*")
                       if p.is_file() and not (p.parent == sub / "terms" and p.suffix == ".tsv"))
        if stray:
            raise WordlistError(f"{stray[0]}: a profile's directory holds only terms/*.tsv")
        files = sorted((sub / "terms").glob("*.tsv"))
        if not files:
            raise WordlistError(f"{rel}/terms/: no *.tsv list (remove the directory to have none)")
        for path in files:
            found = _load_terms(path, path.relative_to(directory).as_posix(), profiles=(sub.name,))
            if not found:
                raise WordlistError(f"{path.relative_to(directory).as_posix()}: holds no terms")
            terms.extend(found)
    return terms


# Loads of a directory whose files keep changing while they are read before the load gives up (fail closed).
LOAD_ATTEMPTS = 3


def load_wordlists(directory: str | Path) -> Wordlists:
    """The word lists of `directory`, whose `version` is the content hash of exactly the files parsed: the hash is
    taken before and after parsing, and a load during which a file changed is done again (an operator or a
    publisher writing while a worker reloads), then refused."""
    directory = Path(directory)
    for _ in range(LOAD_ATTEMPTS):
        wordlists = _load_wordlists_once(directory)
        if _version_now(directory) == wordlists.version:
            return wordlists
    raise WordlistError(f"word-list directory {directory} kept changing while it was read "
                        f"({LOAD_ATTEMPTS} attempts); reload again once the edit is done")


def _version_now(directory: Path) -> str | None:
    try:
        return content_version(directory)
    except OSError:
        return None


def _load_wordlists_once(directory: Path) -> Wordlists:
    if not directory.is_dir():
        raise WordlistError(f"word-list directory {directory} does not exist")
    check_required(directory)
    try:
        version = content_version(directory)
    except OSError as exc:
        name = Path(exc.filename or "?")
        rel = name.relative_to(directory).as_posix() if name.is_relative_to(directory) else name.name
        raise WordlistError(f"{rel}: cannot be read ({exc.strerror or type(exc).__name__})") from None

    terms: list[Term] = []
    for path in sorted((directory / "terms").glob("*.tsv")):
        terms.extend(_load_terms(path, path.relative_to(directory).as_posix()))
    # Same format; these terms count only in a listing that names a brand.
    for path in sorted((directory / "with_brand").glob("*.tsv")):
        terms.extend(_load_terms(path, path.relative_to(directory).as_posix(), requires_brand=True))

    # The operator's own categories (#20): loaded, versioned and reloaded with the rest.
    custom: list[Category] = []
    for path in sorted((directory / "custom").glob("*.tsv")):
        category, custom_terms = _load_custom(path, path.relative_to(directory).as_posix())
        custom.append(category)
        terms.extend(custom_terms)
    known = {*CATEGORIES, *(c.id for c in custom)}

    brands = _load_brands(directory / "brands.tsv", "brands.tsv")

    allow: list[AllowPhrase] = []
    for n, row in _rows(directory / "allowlist.tsv", ALLOW_COLUMNS, "allowlist.tsv"):
        category = row["category"] or "*"
        if category != "*" and category not in known:
            raise WordlistError(f"allowlist.tsv:{n}: unknown category {category!r}")
        allow.append(AllowPhrase(row["phrase"], category, row["note"], f"allowlist.tsv:{n}"))

    compat: dict[str, list[str]] = {"before": [], "after": [], "attribute": []}
    for n, row in _rows(directory / "compatibility.tsv", COMPAT_COLUMNS, "compatibility.tsv"):
        if row["position"] not in compat:
            raise WordlistError(f"compatibility.tsv:{n}: position must be before/after/attribute")
        compat[row["position"]].append(row["cue"])

    exemptions: dict[str, list[str]] = {r: [] for r in EXEMPTION_RULES}
    for n, row in _rows(directory / "exemptions.tsv", EXEMPTION_COLUMNS, "exemptions.tsv"):
        if row["rule"] not in EXEMPTION_RULES:
            raise WordlistError(f"exemptions.tsv:{n}: rule must be one of {', '.join(EXEMPTION_RULES)}")
        exemptions[row["rule"]].append(row["cue"])

    lexicons = _load_lexicons(directory)
    proximity: list[ProximityRule] = []
    for n, row in _rows(directory / "proximity.tsv", PROXIMITY_COLUMNS, "proximity.tsv"):
        where = f"proximity.tsv:{n}"
        if row["category"] not in TEXT_CATEGORIES:
            raise WordlistError(f"{where}: unknown category {row['category']!r}")
        if row["severity"] not in SEVERITIES:
            raise WordlistError(f"{where}: severity must be low/medium/high")
        if row["order"] not in ("any", "first_then_second", "any_field"):
            raise WordlistError(f"{where}: order must be any, first_then_second or any_field")
        if not row["window"].isdigit():
            raise WordlistError(f"{where}: window must be a number of characters")
        first, second = (_expand_slots(split_list(row[k]), lexicons, where) for k in ("first", "second"))
        if not first or not second:
            raise WordlistError(f"{where}: both cue lists need at least one cue")
        suggestion = "" if row["suggestion"] == "-" else (row["suggestion"] or None)
        proximity.append(
            ProximityRule(row["rule"], row["category"], row["severity"], suggestion, first, second,
                          int(row["window"]), row["order"] == "first_then_second", row["note"], where,
                          any_field=row["order"] == "any_field")
        )

    _check_not_empty(terms, brands, proximity)

    try:
        policy_text = _read(directory / "policy.toml", "policy.toml")
        policy = tomllib.loads(policy_text)
        default_description = (_description(policy_text, policy, "policy.toml") if DESCRIPTION_KEY in policy
                               else dict(DEFAULT_DESCRIPTION))  # its opening comment is about the file, not a market
        # checked here so that a bad value fails the load; the engine builds Policy
        parse_policy(custom_actions(policy, {c.id: c.default_action for c in custom})[0])
    except (tomllib.TOMLDecodeError, PolicyError) as exc:
        raise WordlistError(f"policy.toml: {exc}") from None
    profiles, descriptions = _load_profiles(directory, policy, {c.id: c.default_action for c in custom})
    # A profile's own lists (#20): wording only its market must screen, after every shared term so that the
    # shared terms keep their indexes; they count only in that profile's listings (verify drops them elsewhere).
    terms.extend(_load_profile_terms(directory, profiles))
    _check_matchable(terms, brands)

    return Wordlists(
        directory=directory,
        version=version,
        terms=tuple(terms),
        brands=tuple(brands),
        allow=tuple(allow),
        compat_before=tuple(compat["before"]),
        compat_after=tuple(compat["after"]),
        exemptions={k: tuple(v) for k, v in exemptions.items()},
        policy=policy,
        proximity=tuple(proximity),
        compat_attributes=tuple(compat["attribute"]),
        custom_categories=tuple(custom),
        custom_labels={c.id: {"label_en": c.en, "label_zh": c.zh} for c in custom},
        profiles=profiles,
        profile_descriptions={DEFAULT_PROFILE: default_description, **descriptions},
    )
