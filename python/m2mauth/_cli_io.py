"""File and secret handling for the m2mauth command: secrets come from files or the environment,
never from the command line, and private files are created 0600 from the start."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Optional

__all__ = ["CliUsageError", "read_input", "read_secret", "write_file", "check_writable"]

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
MAX_INPUT = 16 * 1024 * 1024


class CliUsageError(Exception):
    """The command line asks for something impossible (exit code 2)."""


def read_input(path: str, what: str) -> bytes:
    """The bytes of a file, or of stdin for "-" (at most 16 MiB)."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(MAX_INPUT + 1)
    if len(data) > MAX_INPUT:
        raise CliUsageError(f"{what} is larger than {MAX_INPUT} bytes")
    return data


def read_secret(file: Optional[str], env: Optional[str], what: str, *, strip_newline: bool) -> Optional[bytes]:
    """A secret from a file or an environment variable; None if neither is given.

    With strip_newline, one trailing newline of a file is dropped (as `echo secret > file` adds one).
    """
    if file is not None:
        data = read_input(file, what)
        if strip_newline:
            if data.endswith(b"\r\n"):
                data = data[:-2]
            elif data.endswith(b"\n"):
                data = data[:-1]
        return data
    if env is not None:
        value = os.environb.get(env.encode()) if hasattr(os, "environb") else None
        if value is None:
            text = os.environ.get(env)
            if text is None:
                raise CliUsageError(f"environment variable {env} is not set ({what})")
            value = text.encode("utf-8")
        return value
    return None


def check_writable(path: str, force: bool) -> None:
    """Refuses an existing path unless force (so nothing is written when one of two outputs exists)."""
    if not force and os.path.lexists(path):
        raise FileExistsError(17, "exists (use --force to replace it)", path)


def write_file(path: str, data: bytes, *, private: bool, force: bool) -> None:
    """Writes data to path.

    private: the file is created with mode 0600 (O_CREAT|O_EXCL with that mode, so it is never readable
    by others, not even briefly) and set to exactly 0600. Otherwise mode 0644 minus the umask.
    Without force an existing path is refused; with force the new file is written beside it and renamed
    over it, so the old content stays intact until the new one is complete.
    """
    mode = 0o600 if private else 0o644
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
    if not force:
        _write_new(path, data, flags, mode, private)
        return
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        _write_new(tmp, data, flags, mode, private)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_new(path: str, data: bytes, flags: int, mode: int, private: bool) -> None:
    fd = os.open(path, flags, mode)
    try:
        if private:
            os.fchmod(fd, 0o600)  # a umask such as 0277 would otherwise leave it read-only
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
