"""sidestream: Quix Streams 2.x-style stream processing, run by the `sidestreamd` sidecar.

Example:
    >>> from sidestream import Application
    >>> app = Application(broker_address="127.0.0.1:9092", consumer_group="demo")
    >>> sdf = app.dataframe(app.topic("in")).apply(lambda v: {**v, "ok": True})
    >>> sdf = sdf.to_topic(app.topic("out"))
    >>> app.run(sdf)
"""

from sidestream._version import __version__
from sidestream.app import Application
from sidestream.context import message_context, message_key
from sidestream.models.messagecontext import MessageContext
from sidestream.state.types import State

__all__ = ["Application", "State", "MessageContext", "message_context", "message_key", "__version__"]
