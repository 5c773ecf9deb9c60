"""A built TextEngine kept on disk between `scanner check` runs (issue #18).

Building the text engine costs ~1.5 s (parse the word lists and derive their pinyin, build the automaton,
load jieba's dictionary) against a scan of under a millisecond. `load` returns the engine
`TextEngine.load` builds, from two files in the user's cache directory when they are current:

- `text-engine-<key>.pickle`: the word lists, matcher, context cues, policy and the words the
  segmenter learnt over jieba's dictionary, keyed by the word lists' content version, a fingerprint of
  the scanner's code and of the libraries that build it, and jieba's dictionary;
- `segment-dict-<key>.bin`: jieba's base dictionary in a form read in place (scanner/text/segment_dict.py),
  so a cached engine never loads the whole dictionary; its segmenter is `Segmenter.layered`.

Nothing is trusted blindly. A pickle runs code when it is read, so it is read only from a directory and
file this user owns that no one else can write (directory 0700, file 0600, no symlinks), and only if
the file's SHA-256 (recorded in its first line) matches; anything else (missing, stale, corrupt, another
owner, wrong permissions, an error while reading) means a full build, whose result is then written
again (atomically: a temporary file renamed into place). A cache that cannot be written (a read-only
home) only costs the build. The results are the same either way (tests/text/test_engine_cache.py).
"""
from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import logging
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("scanner.text")

FORMAT = 2  # of the pickled tuple below; part of the key (2: Term.profiles)
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # scanner/


def default_cache_dir() -> Path:
    """$SCANNER_CACHE_DIR, else $XDG_CACHE_HOME/listing-scanner, else ~/.cache/listing-scanner."""
    explicit = os.environ.get("SCANNER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "listing-scanner"


def code_version() -> str:
    """Fingerprint of what builds and reads a cached engine: every source file of the scanner package (its
    classes are what the pickle names), each compiled module's size and time, Python and the libraries."""
    import ahocorasick
    import jieba
    from scanner import __version__

    h = hashlib.sha256(f"{FORMAT} {__version__} {sys.version} {jieba.__version__}".encode())
    h.update(repr(getattr(ahocorasick, "unicode", None)).encode())
    for name in ("pypinyin", "opencc", "pyahocorasick"):
        h.update(f"{name} {_dist_version(name)}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if rel.startswith("_bundled/") or "__pycache__" in rel:
            continue
        if path.suffix in (".py", ".pyx", ".json"):
            h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        elif path.suffix == ".so":
            st = path.stat()
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def jieba_dictionary_version() -> str:
    """jieba's version and the SHA-256 of the dictionary file its default Tokenizer loads."""
    import jieba

    path = Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME
    return f"jieba-{jieba.__version__}-{hashlib.sha256(path.read_bytes()).hexdigest()}"


def load(directory, cache_dir: Path | None = None):
    """The TextEngine of the word lists in `directory`: from the cache if it holds this version, else
    built (TextEngine.load) and written to the cache for next time."""
    from scanner.text.engine import TextEngine
    from scanner.text.wordlists import content_version

    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        dictionary = jieba_dictionary_version()
        key = hashlib.sha256(
            f"{content_version(Path(directory))}\n{code_version()}\n{dictionary}".encode()).hexdigest()[:40]
    except OSError:
        return TextEngine.load(directory)  # load reports an unreadable word-list directory properly
    engine = _read(cache_dir, key, dictionary)
    if engine is not None:
        return engine
    engine = TextEngine.load(directory)
    if _key_still(directory, key, dictionary):
        _write(cache_dir, key, dictionary, engine)
    return engine


def _key_still(directory, key: str, dictionary: str) -> bool:
    """Is `key` still what the word lists on disk hash to (not edited while we built)?"""
    from scanner.text.wordlists import content_version

    try:
        return key == hashlib.sha256(
            f"{content_version(Path(directory))}\n{code_version()}\n{dictionary}".encode()).hexdigest()[:40]
    except OSError:
        return False


def _engine_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"text-engine-{key}.pickle"


def _dict_path(cache_dir: Path, dictionary: str) -> Path:
    return cache_dir / f"segment-dict-{hashlib.sha256(dictionary.encode()).hexdigest()[:40]}.bin"


def private_dir(cache_dir: Path) -> bool:
    """Is `cache_dir` a real directory this user owns that no one else may write?"""
    try:
        st = os.lstat(cache_dir)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def private_file(path: Path) -> int | None:
    """A read-only descriptor of `path` if it is a regular file (not a symlink) this user owns, only this
    user may read or write, in a private directory; else None. The caller closes it."""
    if not private_dir(path.parent):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


def _read(cache_dir: Path, key: str, dictionary: str):
    from scanner.text import segment_dict
    from scanner.text.engine import TextEngine
    from scanner.text.segment import Segmenter
    from scanner.text.verify.cues import VerifyContext
    from scanner.text.wordlists import DEFAULT_PROFILE

    fd = private_file(_engine_path(cache_dir, key))
    if fd is None:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            head, payload = f.readline(), f.read()
        if head != _head(key, payload):
            log.info("text engine cache %s is corrupt: rebuilding", key)
            return None
        base = segment_dict.open_checked(_dict_path(cache_dir, dictionary), dictionary)
        if base is None:
            return None
        wordlists, matcher, cues, policy, added, total = pickle.loads(payload)
        segmenter = Segmenter.layered(added, total, base)
        return TextEngine(wordlists, matcher, VerifyContext(wordlists, segmenter, cues, policy,
                                                            wordlists.terms_outside(DEFAULT_PROFILE)))
    except Exception as exc:  # whatever is wrong with a cache costs a build, never the scan
        log.info("text engine cache %s unreadable (%s): rebuilding", key, type(exc).__name__)
        return None


def _head(key: str, payload: bytes) -> bytes:
    return f"scanner-text-engine {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n".encode()


def _write(cache_dir: Path, key: str, dictionary: str, engine) -> None:
    from scanner.text import segment_dict
    from scanner.text.segment import _base_tokenizer

    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not private_dir(cache_dir):
            log.warning("not caching the text engine: %s is not a private directory of this user", cache_dir)
            return
        v = engine.verifying
        payload = _dumps((engine.wordlists, engine.matcher, v.cues, v.policy,
                          v.segmenter.added_words(), v.segmenter.total))
        dict_path = _dict_path(cache_dir, dictionary)
        fd = private_file(dict_path)
        if fd is not None:
            os.close(fd)
        if fd is None or segment_dict.open_checked(dict_path, dictionary) is None:
            base = _base_tokenizer()
            _replace(dict_path, segment_dict.encode(base.FREQ, base.total, dictionary))
        for old in cache_dir.glob("text-engine-*.pickle"):  # older versions of the lists or the code
            old.unlink(missing_ok=True)
        _replace(_engine_path(cache_dir, key), _head(key, payload) + payload)
    except Exception as exc:
        log.warning("could not write the text engine cache in %s: %s", cache_dir, exc)


def _dumps(obj) -> bytes:
    """pickle.dumps, with the many small frozen dataclasses (13,000 matcher patterns, the word lists' rows)
    pickled as a call of the class with its fields: the default (dataclasses' __setstate__, which looks up
    the fields for every object) took ~0.1 s of every read."""
    from scanner.text.matcher import Pattern
    from scanner.text.wordlists import AllowPhrase, Brand, ProximityRule, Term

    table = dict(copyreg.dispatch_table)
    for cls in (Pattern, Term, Brand, AllowPhrase, ProximityRule):
        table[cls] = _by_init(cls)
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(obj)
    return buf.getvalue()


def _by_init(cls):
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} cannot be rebuilt from its fields")  # its state is not its fields
    names = tuple(f.name for f in fields)
    return lambda obj: (cls, tuple(getattr(obj, n) for n in names))


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (0600: mkstemp's mode)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
