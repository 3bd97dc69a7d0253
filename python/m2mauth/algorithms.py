"""JWS algorithm names and allow-lists.

The names are the JOSE ones: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA.
``none`` is not an algorithm here: it is refused everywhere.
"""

from __future__ import annotations

from typing import Dict, Iterable, Tuple, Union

from . import errors
from ._native import native

__all__ = ["ALGORITHMS", "algorithm_id", "allow_list", "Algorithms"]

_IDS: Dict[str, int] = dict(native.ALGORITHMS)
_BITS: Dict[str, int] = {name: native.alg_bit(i) for name, i in _IDS.items()}

#: Every supported algorithm name.
ALGORITHMS: Tuple[str, ...] = tuple(sorted(_IDS, key=_IDS.__getitem__))

#: What ``algorithms=`` accepts: a list (or any iterable) of names, or one name.
Algorithms = Union[str, Iterable[str]]


def algorithm_id(name: str) -> int:
    """The library's number for an algorithm name; AlgorithmError if unknown or ``none``."""
    try:
        return _IDS[name]
    except KeyError:
        pass
    except TypeError:
        raise TypeError(f"algorithm must be str, not {type(name).__name__}") from None
    if not isinstance(name, str):
        raise TypeError(f"algorithm must be str, not {type(name).__name__}")
    return native.alg_from_name(name)  # raises AlgorithmError with the library's message


def allow_list(algorithms: Algorithms) -> int:
    """The library's bit set for an allow-list. It must name at least one algorithm."""
    if algorithms is None:
        raise TypeError("algorithms is required: name the algorithms you accept, e.g. algorithms=['RS256']")
    if isinstance(algorithms, str):
        algorithms = (algorithms,)
    bits = 0
    for name in algorithms:
        bit = _BITS.get(name) if isinstance(name, str) else None
        bits |= bit if bit is not None else native.alg_bit(algorithm_id(name))
    if bits == 0:
        raise ValueError("algorithms is empty: name at least one algorithm")
    return bits


def _check() -> None:
    # The native table and the library agree on every name (guards a stale build).
    for name, i in _IDS.items():
        if native.alg_name(i) != name:  # pragma: no cover
            raise errors.Error(f"algorithm table mismatch for {name}")


_check()
