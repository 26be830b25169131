"""A valid ``XDG_RUNTIME_DIR`` before the Vulkan stack loads.

On a headless machine (a server, a container, ssh without a login session) the variable is
often unset, and the Vulkan loader's window-system probe (libwayland) prints
``error: XDG_RUNTIME_DIR is invalid or not set in the environment.`` twice at the first adapter
request, although nothing is wrong for compute. Where it is unset or not an absolute path to a
directory, it is pointed at a private (0700) directory of this user; a valid setting is kept.
"""
from __future__ import annotations

import os
import stat
import tempfile

ENV = "XDG_RUNTIME_DIR"
_done = False


def _valid(path: str) -> bool:
    return bool(path) and os.path.isabs(path) and os.path.isdir(path)


def _private(path: str) -> bool:
    """Whether ``path`` is a real directory of this user that nobody else may enter."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    uid = os.getuid() if hasattr(os, "getuid") else st.st_uid
    return stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o077


def prepare() -> None:
    """Set ``XDG_RUNTIME_DIR`` (once) where it is unset or invalid; never raises."""
    global _done
    if _done:
        return
    _done = True
    if os.name != "posix" or _valid(os.environ.get(ENV, "")):
        return
    try:
        path = os.path.join(tempfile.gettempdir(), f"gpuarray-runtime-{os.getuid()}")
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        if not _private(path):  # taken by someone else, or a link: a fresh one instead
            path = tempfile.mkdtemp(prefix="gpuarray-runtime-")
        os.environ[ENV] = path
    except OSError:
        pass
