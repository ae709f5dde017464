"""The dataframe API (mirrors `quixstreams.dataframe`).

Example:
    >>> from sidestream.dataframe import StreamingDataFrame, StreamingSeries
"""

from sidestream.dataframe.dataframe import StreamingDataFrame
from sidestream.dataframe.series import StreamingSeries

__all__ = ["StreamingDataFrame", "StreamingSeries"]
