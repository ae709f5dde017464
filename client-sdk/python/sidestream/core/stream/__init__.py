"""Stream function kinds (mirrors `quixstreams.core.stream`)."""

from sidestream.core.stream.functions import Filtered

__all__ = ["Filtered"]
