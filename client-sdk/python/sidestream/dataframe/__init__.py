"""The dataframe API (mirrors `quixstreams.dataframe`).

Example:
    >>> from sidestream.dataframe import StreamingDataFrame
"""

from sidestream.dataframe.dataframe import StreamingDataFrame

__all__ = ["StreamingDataFrame"]
