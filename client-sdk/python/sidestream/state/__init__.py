"""State of stateful functions (mirrors `quixstreams.state`)."""

from sidestream.state.types import State

__all__ = ["State"]
