"""`scanner` command line: one sub-command module per job, each with `register(subparsers)`."""
from __future__ import annotations

import argparse
import importlib
import sys

# module name -> sub-commands it registers
COMMAND_MODULES = ("check", "batch", "gallery", "serve", "keys", "review")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scanner", description="Listing content and IP compliance scanner"
    )
    parser.add_argument("--wordlists", help="word-list directory (env SCANNER_WORDLISTS)")
    parser.add_argument("--gallery", help="gallery database path (env SCANNER_GALLERY)")
    parser.add_argument("--config", help="settings file, TOML or JSON (env SCANNER_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"scanner.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
