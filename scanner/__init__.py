"""Listing content and IP compliance scanner.

    from scanner import Scanner
    scanner = Scanner.from_defaults()
    result = scanner.scan({"title": "高仿耐克 运动鞋"})
    result.decision, result.to_dict()
"""
__version__ = "0.1.0"

from scanner import _compiled

# Which per-listing modules run compiled: decided before any of them is imported.
COMPILED_GLUE: dict[str, str] = _compiled.use_source_where_needed()

__all__ = ["COMPILED_GLUE", "Scanner", "__version__"]


def __getattr__(name: str):
    # Lazy so `import scanner` (e.g. for the CLI's --help) does not load jieba.
    if name == "Scanner":
        from scanner.engine import Scanner

        return Scanner
    raise AttributeError(name)
