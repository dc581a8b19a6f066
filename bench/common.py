"""Shared helpers of the benchmarks: statistics, machine facts, and the memory/disk check."""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GB = 1_000_000_000


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return float(statistics.median(values))


def timed(fn: Callable[..., object], *args: object) -> float:
    """Seconds one call of ``fn(*args)`` takes."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def parse_size(text: str) -> int:
    """``"1k"`` → 1000, ``"100k"`` → 100000, ``"250"`` → 250."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)\s*", text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not a size like 1k, 10k, 100k or 500")
    return int(match.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[match.group(2).lower()]


def size_label(n: int) -> str:
    """1000 → ``1k``."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def machine_info() -> dict[str, str]:
    """CPU model, cores, Python and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version()}
    from importlib.metadata import PackageNotFoundError, version

    for package in (
        "torch",
        "chromadb",
        "sentence-transformers",
        "onnxruntime",
        "langchain-chroma",
    ):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    load = os.getloadavg()
    info["load average (1, 5, 15 min) at start"] = " ".join(f"{x:.1f}" for x in load)
    return info


def proc_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc/<pid>/status."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


def mem_available() -> int:
    """MemAvailable from /proc/meminfo, in bytes."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Budget:
    """What a step may use: free memory and disk, optionally capped (``--budget-gb``,
    ``CAREERBOT_BENCH_BUDGET_GB``) to try the skip path or to keep a run small."""

    cap_bytes: int | None = None

    def check(self, what: str, where: Path, *, memory: int, disk: int) -> str | None:
        """None when ``memory`` and ``disk`` bytes are available, else the skip message."""
        free_mem, free_disk = mem_available(), shutil.disk_usage(where).free
        if self.cap_bytes is not None:
            free_mem, free_disk = min(free_mem, self.cap_bytes), min(free_disk, self.cap_bytes)
        if memory > free_mem:
            return (
                f"skipped {what}: needs ~{memory / GB:.2f} GB of free memory, "
                f"{free_mem / GB:.2f} GB available"
            )
        if disk > free_disk:
            return (
                f"skipped {what}: needs ~{disk / GB:.2f} GB free disk in {where}, "
                f"{free_disk / GB:.2f} GB available"
            )
        return None
