"""Generated code for the sidestream.v1 contract (private; see scripts/gen_proto.sh)."""
