"""Build hook for the compiled modules; everything else is in pyproject.toml.

Two kinds, all optional (without Cython or a C compiler the package still installs and
runs as plain Python):
- six twins, each the C version of a Python definition kept beside it as the oracle:
  scanner/text/_normalise_c.pyx (normalize.py), _hints_c.pyx (detectors.py), _segment_c.pyx
  (jieba's token boundaries for segment.py), _prefilter_c.pyx (prefilter.py's pass, which review phrases may
  match), _clause_model_c.pyx (clause_model.py's scorer) and scanner/images/_index_c.pyx (the gallery
  index's probe loop, index.py `_probe_numpy`);
- the per-listing glue (COMPILED_FROM_SOURCE below): Cython compiles those .py files
  unchanged, as pydantic v1 and aiohttp did. The .py file stays the only code.
  Each build records the SHA-256 of the source it compiled in scanner/_compiled_sources.json,
  and scanner/_compiled.py imports the .py instead of a build made from other source.
A wheel also carries the top-level word lists and gallery seed in scanner/_bundled/.
"""
import hashlib
import json
import os
import platform
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# Top-level data a wheel must carry for the engine's defaults (scanner/config.py `bundled`):
# the word lists and the gallery seed. An editable install reads them from the checkout.
BUNDLED_DATA = ("wordlists", "fixtures/gallery")


class build_py_with_bundled_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in BUNDLED_DATA:
            shutil.copytree(name, Path(self.build_lib, "scanner", "_bundled", name), dirs_exist_ok=True)

try:
    from Cython.Build import cythonize
except ImportError:  # only when build isolation is off and Cython is missing
    cythonize = None
# SCANNER_COMPILE=0: install as plain Python (same results, slower scans) without compiling anything, so a first
# try of the service does not wait on the C compiler; installing again without it builds the compiled modules.
if os.environ.get("SCANNER_COMPILE", "1").strip() == "0":
    cythonize = None

# Keep in step with scanner/_compiled.py COMPILED_FROM_SOURCE (a test checks).
COMPILED_FROM_SOURCE = (
    "listing", "engine", "text.matcher", "text.verify.boundaries", "text.verify.rules", "text.verify.proximity",
    "text.verify.listing_rules", "text.verify.explain", "text.policy", "text.speech",
    "text.prefilter",  # the review phrases' plan, on every review and Q&A entry (#20)
    "review.masking", "review.queue", "review.batch",  # per listing when results are queued (#19)
)
SOURCES_MANIFEST = "_compiled_sources.json"

ext_modules = []
cmdclass = {"build_py": build_py_with_bundled_data}
if cythonize is not None:
    from setuptools import Extension
    from setuptools.command.build_ext import build_ext

    def source_file(name: str) -> str:
        """"text.matcher" -> "scanner/text/matcher.py" (as scanner/_compiled.py source_path)."""
        return "scanner/" + name.replace(".", "/") + ".py"

    def source_sha256(name: str) -> str:
        return hashlib.sha256(Path(source_file(name)).read_bytes()).hexdigest()

    twins = cythonize(
        [
            Extension("scanner.text._normalise_c", ["scanner/text/_normalise_c.pyx"]),
            Extension("scanner.text._hints_c", ["scanner/text/_hints_c.pyx"]),
            Extension("scanner.text._segment_c", ["scanner/text/_segment_c.pyx"]),
            Extension("scanner.text._prefilter_c", ["scanner/text/_prefilter_c.pyx"]),
            Extension("scanner.text._clause_model_c", ["scanner/text/_clause_model_c.pyx"]),
            # the gallery index's probe loop (C++ for std::vector; POPCNT on x86-64)
            Extension("scanner.images._index_c", ["scanner/images/_index_c.pyx"], language="c++",
                      extra_compile_args=["-O3"] + (["-mpopcnt"] if platform.machine() in ("x86_64", "AMD64") else [])),
        ],
        compiler_directives={"language_level": "3"},
    )
    glue_hashes = {name: source_sha256(name) for name in COMPILED_FROM_SOURCE}
    glue = cythonize(
        [Extension(f"scanner.{name}", [source_file(name)]) for name in COMPILED_FROM_SOURCE],
        compiler_directives={
            "language_level": "3",
            # Annotations stay documentation: `x: float` must not turn an int into a C double.
            "annotation_typing": False,
        },
        # Regenerate the C every build: the recorded hash must be of the source compiled,
        # and Cython's own check only compares timestamps.
        force=True,
    )
    for ext in glue:
        ext.source_sha256 = glue_hashes[ext.name.removeprefix("scanner.")]
    ext_modules = twins + glue
    for ext in ext_modules:
        # Optional: a failed compile (no C compiler) only warns. Set after cythonize(),
        # whose returned Extensions do not carry the flag over (it comes back None).
        ext.optional = True

    class build_ext_recording_sources(build_ext):
        """build_ext that compiles in parallel and, after the build, writes which source
        each compiled glue module was built from (only modules whose compile succeeded)."""

        def finalize_options(self):
            super().finalize_options()
            if self.parallel is None:
                self.parallel = os.cpu_count() or 1

        def build_extension(self, ext):
            super().build_extension(ext)  # raises on failure; optional ones are caught above us
            if getattr(ext, "source_sha256", None):
                self._built_sources[ext.name.removeprefix("scanner.")] = (ext.source_sha256, self.get_ext_fullpath(ext.name))

        def run(self):
            self._built_sources = {}  # filled by build_extension (threads: one key each)
            super().run()
            built = self._built_sources
            if not built:
                return
            # the package directory scanner/ of the build (a module's path is under scanner/text/...)
            first_name, (_, first_path) = next(iter(built.items()))
            directories = {Path(first_path).parents[first_name.count(".")]}
            if self.inplace or getattr(self, "editable_mode", False):
                # setuptools builds in build_lib, then copies into the source (--inplace, pip install -e)
                directories.add(Path(self.get_finalized_command("build_py").get_package_dir("scanner")))
            for directory in directories:
                self._record_sources(directory / SOURCES_MANIFEST, built)

        @staticmethod
        def _record_sources(manifest: Path, built: dict) -> None:
            try:
                recorded = json.loads(manifest.read_text())
            except (OSError, ValueError):
                recorded = {}
            if not isinstance(recorded, dict):
                recorded = {}
            recorded = {k: v for k, v in recorded.items() if k in COMPILED_FROM_SOURCE}
            recorded.update({name: sha for name, (sha, _) in built.items()})
            manifest.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")

    cmdclass["build_ext"] = build_ext_recording_sources
else:
    print("note: no compiled modules (Cython unavailable or SCANNER_COMPILE=0); scanner runs as plain Python")

setup(ext_modules=ext_modules, cmdclass=cmdclass)
