"""What the benchmarks share: their error, timing, latency summaries and the machine record.

Each benchmark runs as a script (`python benchmarks/NAME.py`) with the repository root on
``sys.path``, so it imports these as ``from benchmarks.common import ...``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from typing import Any, Callable

import numpy as np


class BenchError(Exception):
    """Something the benchmark cannot work around; the message says what."""


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()`` and its wall-clock duration in seconds."""
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def summary_ms(seconds: list[float]) -> dict[str, float]:
    """p50 / p95 / min / max / mean in milliseconds, and the sample count.

    Raises:
        BenchError: there are no samples.
    """
    if not seconds:
        raise BenchError("no samples to summarise")
    ms = np.asarray(seconds) * 1000.0
    return {
        "n": int(ms.size),
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "min": float(ms.min()),
        "max": float(ms.max()),
        "mean": float(ms.mean()),
    }


def loadavg() -> list[float] | None:
    """The 1, 5 and 15 minute load averages, where the platform has them."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine() -> dict[str, Any]:
    """Where and when the figures were measured: date, CPUs, Python, platform, load."""
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_start": loadavg(),
    }
