"""The one shape of a progress report, for every layer that reports progress (bench,
workflow) and the renderer that shows it."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]  # (phase, done, total)
