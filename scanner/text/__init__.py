"""The text side of the scanner: from a listing's copy to verified findings.

    wordlists.py   the word lists on disk -> Wordlists (one version)
    normalize.py   one field -> Normalised (text, matching key, offsets back to the original)
    matcher.py     Aho-Corasick over every dictionary spelling + detectors.py -> candidates
    segment.py     jieba's word boundaries, asked by verify for short CJK matches
    verify/        candidates -> findings, stage by stage (see verify/__init__.py)
    policy.py      findings -> score and pass/review/block (defaults: policy_schema.py)
    engine.py      TextEngine: all of the above built once per word-list version

Nothing is imported here: `import scanner.text.normalize` must not load jieba.
"""
