"""Developer tools run from a checkout, never shipped in the runtime wheel.

    python -m tools.evaluation LABELLED.jsonl [--results R.jsonl]   # text: recall on labelled listings
    python -m tools.calibrate [--write docs/images.md]              # images: choose the match thresholds
    tools.evalset                                                   # the image set + seller transforms they use

What only these need (imagehash for the plain-pHash comparison, scikit-image's photographs)
is in the `tools` extra: `pip install -e ".[tools]"`.
"""
