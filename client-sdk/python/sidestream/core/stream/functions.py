"""Stream function kinds (mirrors `quixstreams.core.stream.functions`).

In sidestream the functions run in the SDK's segment runner and native steps
run in the sidecar; what remains user-visible here is `Filtered`, raised by
`StreamingDataFrame.test()` (and compiled dataframes) when a filter drops the
value, exactly as the seed does.

Example:
    >>> from sidestream.core.stream.functions import Filtered
    >>> try:
    ...     sdf.test({"x": 0})
    ... except Filtered:
    ...     print("dropped")
"""

from __future__ import annotations

__all__ = ["Filtered"]


class Filtered(Exception):
    """The value was dropped by a filter; processing of it stopped (not an error)."""
