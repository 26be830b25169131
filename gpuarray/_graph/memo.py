"""``Memo``: a bounded table of a pure function of small hashable arguments, for values the host
recomputes on every operation of a loop (a reduction's geometry, a draw's index strides)."""
from __future__ import annotations


class Memo(dict):
    """``memo[args]`` is ``fn(*args)``, computed once per distinct ``args`` (a hit is a plain dict
    lookup); the table empties past ``limit`` entries, so a program sweeping shapes stays bounded."""

    __slots__ = ("fn", "limit")

    def __init__(self, fn, limit: int = 4096):
        super().__init__()
        self.fn, self.limit = fn, limit

    def __missing__(self, args):
        if len(self) >= self.limit:
            self.clear()
        value = self[args] = self.fn(*args)
        return value
