"""Loads the private native module and connects it to the package.

The native module ``m2mauth._m2mauth`` is built from the C++ wrapper of the C API and linked to the
shared ``libm2mauth``. Importing it checks that its headers may use the library it loaded
(``m2mauth_version_compatible``); this module repeats the check (so the error names both versions) and
registers the factory that turns library errors into the classes of :mod:`m2mauth.errors`.
"""

from __future__ import annotations

from . import errors
from . import _m2mauth as native

__all__ = ["native", "check_versions"]


def check_versions(compiled: int, loaded: int) -> None:
    """Raises ImportError unless the loaded library accepts code compiled for ``compiled``.

    The rule is the library's own (``m2mauth_version_compatible``): while 0.x the minor version must
    match, from 1.0 on the major must match and the library must not be older.
    """
    if not native.version_compatible(compiled):
        raise ImportError(
            f"m2mauth: the native module was compiled for libm2mauth {_version_text(compiled)} but "
            f"libm2mauth {_version_text(loaded)} is loaded, which it cannot use; reinstall m2mauth so both "
            f"come from one build"
        )


def _version_text(number: int) -> str:
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


check_versions(native.COMPILED_VERSION_NUMBER, native.library_version_number())
native.set_error_factory(errors._from_native)
