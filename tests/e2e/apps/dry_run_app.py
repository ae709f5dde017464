"""sdf.test() with no sidecar configured: the SDK starts an ephemeral sidestreamd.

Prints one JSON line with the results and the ephemeral sidecar's pid (the
test checks that it is gone once this interpreter exits). Needs SIDESTREAM_BIN;
SIDESTREAM_ADDRESS must be unset.
"""

import json
import os

from sidestream import Application, _sidecar
from sidestream.core.stream.functions import Filtered

assert "SIDESTREAM_ADDRESS" not in os.environ

app = Application(consumer_group="dry", loglevel=None)
sdf = app.dataframe(app.topic("in")).apply(lambda v: v + 1).filter(lambda v: v % 2 == 0)
result = {"two": sdf.test(1)}
try:
    sdf.test(2)
    result["filtered"] = False
except Filtered:
    result["filtered"] = True

instance = _sidecar._instance
result["ephemeral"] = instance is not None
result["pid"] = instance.process.pid if instance is not None else None
print(json.dumps(result), flush=True)
