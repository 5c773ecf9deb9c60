"""Helpers every sub-command shares: settings from global flags, engine construction."""
from __future__ import annotations

import argparse
from typing import Any

from scanner.config import Settings, load_settings


def settings_from_args(args: argparse.Namespace, **extra: Any) -> Settings:
    return load_settings(
        wordlists=getattr(args, "wordlists", None),
        gallery=getattr(args, "gallery", None),
        config=getattr(args, "config", None),
        **extra,
    )
