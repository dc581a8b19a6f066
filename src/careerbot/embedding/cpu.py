"""What this CPU can do, read from ``/proc/cpuinfo``: which fast paths the models may take."""

from __future__ import annotations

from pathlib import Path


def cpu_flags() -> set[str]:
    """The CPU feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (x86 AMX or AVX512-BF16); elsewhere
    bfloat16 would be emulated, and slower than float32."""
    return bool(cpu_flags() & {"amx_bf16", "avx512_bf16"})
