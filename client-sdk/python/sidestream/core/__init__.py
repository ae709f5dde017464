"""Core stream primitives (mirrors `quixstreams.core`)."""
