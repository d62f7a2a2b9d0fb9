from setuptools import setup

# cffi registers its extension only through setup(); metadata is in setup.cfg.
setup(cffi_modules=["build_ffi.py:ffibuilder"])
