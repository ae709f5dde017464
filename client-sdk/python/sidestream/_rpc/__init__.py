"""Private: code generated from proto/sidestream/v1 by scripts/gen_proto.sh.

Import the modules by their full path, e.g.
`from sidestream._rpc.sidestream.v1 import session_pb2`. Do not edit the
generated files; regenerate them (a test fails when they are stale).
"""
