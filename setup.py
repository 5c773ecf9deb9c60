"""Build hook for the compiled modules; everything else is in pyproject.toml.

scanner/_normalise_c.pyx is the compiled normaliser (scanner/normalize.py uses it when
importable), scanner/_hints_c.pyx the compiled detector hints (scanner/detectors.py) and
scanner/_segment_c.pyx jieba's token boundaries (scanner/segment.py).
The extensions are optional: without Cython or without a C compiler the package still
installs and runs on their pure-Python definitions.
"""
from setuptools import setup

try:
    from Cython.Build import cythonize
except ImportError:  # only when build isolation is off and Cython is missing
    cythonize = None

ext_modules = []
if cythonize is not None:
    from setuptools import Extension

    ext_modules = cythonize(
        [
            Extension("scanner._normalise_c", ["scanner/_normalise_c.pyx"]),
            Extension("scanner._hints_c", ["scanner/_hints_c.pyx"]),
            Extension("scanner._segment_c", ["scanner/_segment_c.pyx"]),
        ],
        compiler_directives={"language_level": "3"},
    )
    for ext in ext_modules:
        # Optional: a failed compile (no C compiler) only warns. Set after cythonize(),
        # whose returned Extensions do not carry the flag over (it comes back None).
        ext.optional = True
else:
    print("warning: Cython not available; scanner uses the pure-Python normaliser and hints")

setup(ext_modules=ext_modules)
