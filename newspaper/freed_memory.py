"""A web worker gives the memory its requests freed back to the system (gunicorn.conf.py's
post_request).

A search at a million articles makes arrays of megabytes (matched documents, scores, facet
counts) and frees them when the page is sent. glibc's allocator raises its threshold for mapping
a large block on its own after such a block is freed, so the next ones come from the heap, and
a heap's freed pages stay resident: after 96 search pages at a million articles, 125 MB of a
worker's 469 MB of its own memory was freed heap (bench/RESULTS.md, issue 18). `malloc_trim`
hands those pages back, but it walks the whole heap (about 7 ms a call there: a kept page is
served in 2), so a worker calls it at most once every INTERVAL_S seconds, after a request.
Nothing happens where the C library is not glibc.

The processes that write the index (the index writer, `optimize_index`, `rebuild_index`) make
arrays of tens of megabytes per merge range, one after another; there, `map_large_blocks` fixes
the threshold instead, so each such array is mapped and unmapped on its own and never settles in
the heap: `optimize_index` at 100k peaked at 447 MB of its own memory instead of 577
(bench/RESULTS.md), in the same time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time

INTERVAL_S = 1.0

LARGE_BLOCK = 1 << 20  # bytes: a block this large or larger is mapped, whatever was freed before
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _trim, _mallopt = _libc.malloc_trim, _libc.mallopt
except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim this way
    _trim = _mallopt = None
_last = 0.0


def map_large_blocks(size: int = LARGE_BLOCK) -> bool:
    """Have every allocation of `size` bytes or more mapped apart and given back when freed
    (glibc otherwise raises that threshold as large blocks are freed); True when it was set."""
    return bool(_mallopt is not None and _mallopt(M_MMAP_THRESHOLD, size))


def give_back(now: float | None = None) -> bool:
    """Return the heap's freed pages to the system, unless that was done less than INTERVAL_S
    ago; True when it was done now."""
    global _last
    now = time.monotonic() if now is None else now
    if _trim is None or now - _last < INTERVAL_S:
        return False
    _last = now
    _trim(0)
    return True
