"""`scanner gallery` — manage the known-counterfeit image gallery.

    scanner gallery add PATH... --brand B [--label L] [--source S]
    scanner gallery list [--json]
    scanner gallery show ID
    scanner gallery remove ID
    scanner gallery export FILE        (JSONL with hashes: moves a gallery without the images)
    scanner gallery import FILE
    scanner gallery rehash             (after an algorithm upgrade: re-derive every entry from
                                        the image copy the gallery keeps, in place)

The database is Settings.gallery (--gallery / SCANNER_GALLERY); without one, a database
in the user data directory seeded from fixtures/gallery/.
"""
from __future__ import annotations

import json
import sys

from scanner.cli.common import settings_from_args


def register(sub) -> None:
    p = sub.add_parser("gallery", help="manage the counterfeit image gallery")
    gs = p.add_subparsers(dest="gallery_command", metavar="ACTION")
    gs.required = True
    a = gs.add_parser("add", help="hash images (files or directories) into the gallery")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--brand", required=True)
    a.add_argument("--label")
    a.add_argument("--source", help="where the images came from (takedown ticket, URL, note)")
    ls = gs.add_parser("list", help="list entries")
    ls.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    s = gs.add_parser("show", help="one entry with its hashes (JSON)")
    s.add_argument("id")
    r = gs.add_parser("remove", help="remove one entry")
    r.add_argument("id")
    e = gs.add_parser("export", help="write all entries with hashes as JSONL")
    e.add_argument("file")
    i = gs.add_parser("import", help="add/replace entries from an export (JSONL or JSON)")
    i.add_argument("file")
    gs.add_parser("rehash", help="re-derive hashes/keypoints from the stored image copies (algorithm upgrade)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from scanner.images import GalleryError, ImageScanner
    from scanner.results import ImageInputError

    settings = settings_from_args(args)
    if args.gallery_command == "rehash":
        return _rehash(settings)
    try:
        scanner = ImageScanner.from_settings(settings)
    except GalleryError as e:
        print(f"scanner gallery: {e}", file=sys.stderr)
        return 2
    try:
        cmd = args.gallery_command
        if cmd == "add":
            try:
                added = scanner.add(args.paths, brand=args.brand, label=args.label, source=args.source)
            except (ImageInputError, FileNotFoundError, IsADirectoryError, PermissionError) as e:
                print(f"scanner gallery add: {getattr(e, 'code', type(e).__name__)}: {e}", file=sys.stderr)
                return 1
            for e in added:
                print(f"added {e['id']}  {e['brand']}  {e.get('label') or ''}  {e.get('source') or ''}".rstrip())
            print(f"{len(added)} added; gallery version {scanner.version}")
        elif cmd == "list":
            document = scanner.listing_document()
            entries = document["items"]
            if args.json:
                print(json.dumps(document, ensure_ascii=False, indent=2))
            else:
                for e in entries:
                    print(f"{e['id']}\t{e['brand']}\t{e.get('label') or ''}\t{e.get('source') or ''}")
                print(f"{len(entries)} entries; gallery version {scanner.version}")
        elif cmd == "show":
            e = scanner.get(args.id)
            if e is None:
                print(f"scanner gallery show: no entry {args.id}", file=sys.stderr)
                return 1
            print(json.dumps(e, ensure_ascii=False, indent=2))
        elif cmd == "remove":
            if not scanner.remove(args.id):
                print(f"scanner gallery remove: no entry {args.id}", file=sys.stderr)
                return 1
            print(f"removed {args.id}; gallery version {scanner.version}")
        elif cmd == "export":
            n = scanner.export(args.file)
            print(f"exported {n} entries to {args.file}")
        elif cmd == "import":
            try:
                n = scanner.import_(args.file)
            except (GalleryError, OSError, ValueError) as e:
                print(f"scanner gallery import: {e}", file=sys.stderr)
                return 1
            print(f"imported {n} entries; gallery version {scanner.version}")
        return 0
    finally:
        scanner.close()


def _rehash(settings) -> int:
    """Open the gallery whatever its algorithm (same schema), re-derive everything, one transaction."""
    from pathlib import Path

    from scanner.images import GalleryError, ImageScanner
    from scanner.images.canonical import stored_fields
    from scanner.images.gallery import GalleryStore
    from scanner.results import ImageInputError

    if settings.gallery is None:
        print("scanner gallery rehash: give the gallery (--gallery / SCANNER_GALLERY); the default "
              "gallery is re-seeded automatically", file=sys.stderr)
        return 2
    try:
        store = GalleryStore(Path(settings.gallery), create=False, for_rehash=True)
        before = store.algorithm()
        n = store.rehash(stored_fields)
    except (GalleryError, ImageInputError) as e:
        print(f"scanner gallery rehash: {e}", file=sys.stderr)
        return 2
    store.close()
    scanner = ImageScanner.from_settings(settings)
    print(f"re-derived {n} entries ({before} -> {_algorithm()}); "
          f"gallery version {scanner.version}")
    scanner.close()
    return 0


def _algorithm() -> str:
    from scanner.images.hashing import ALGORITHM_VERSION

    return ALGORITHM_VERSION
