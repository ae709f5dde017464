#!/usr/bin/env python3
"""Vendor standalone, strict Kubernetes JSON schemas for kubeconform.

Source: the `kubernetes-validate` package on PyPI, which ships JSON schemas generated
from the Kubernetes OpenAPI spec for each minor version, in a "local-strict" flavour
(additionalProperties: false everywhere) whose kind files `$ref` a shared
`/api/_definitions.json`. kubeconform cannot resolve those absolute refs, so this script
rewrites each wanted kind into a self-contained ("standalone") schema: the definitions it
reaches are copied into its own `$defs`, refs become `#/$defs/...`, and `description`
texts are dropped (they do not take part in validation; this keeps the files small).

Output layout matches kubeconform's default schema-location template:
    OUT/v1.36.0-standalone-strict/deployment-apps-v1.json

Regenerate (needs network to PyPI; run from the repo root):
    python3 -m pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    python3 deploy/tools/vendor_k8s_schemas.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl \
        deploy/schemas/kubernetes --versions 1.27.0 1.36.0 \
        --kinds deployment-apps-v1 statefulset-apps-v1 service-v1
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys
import zipfile

REF_PREFIX = "/api/_definitions.json#/$defs/"  # in kind files
LOCAL_PREFIX = "#/$defs/"  # inside _definitions.json


def ref_name(ref: str) -> str:
    for prefix in (REF_PREFIX, LOCAL_PREFIX):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    raise SystemExit(f"unexpected $ref {ref!r}")


def strip(schema, in_properties=False):
    """Drop description keywords (not properties that happen to be named so)."""
    if isinstance(schema, list):
        return [strip(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if in_properties:
            out[key] = strip(value)  # key is a property name, value a schema
        elif key == "description":
            continue
        elif key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = strip(value, in_properties=True)
        else:
            out[key] = strip(value)
    return out


def refs(schema):
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(schema, list):
        for v in schema:
            yield from refs(v)


def rewrite(schema):
    if isinstance(schema, dict):
        return {k: (LOCAL_PREFIX + ref_name(v) if k == "$ref" and isinstance(v, str) else rewrite(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [rewrite(v) for v in schema]
    return schema


def standalone(kind_schema: dict, definitions: dict) -> dict:
    wanted, queue = {}, [r for r in refs(kind_schema)]
    while queue:
        name = ref_name(queue.pop())
        if name in wanted:
            continue
        wanted[name] = definitions[name]
        queue.extend(refs(definitions[name]))
    out = {k: v for k, v in kind_schema.items() if k not in ("$id",)}
    out["$defs"] = {k: wanted[k] for k in sorted(wanted)}
    out = rewrite(strip(out))
    assert all(r.startswith(LOCAL_PREFIX) and ref_name(r) in out["$defs"] for r in refs(out))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wheel", help="kubernetes_validate-*.whl")
    ap.add_argument("out", help="output folder (deploy/schemas/kubernetes)")
    ap.add_argument("--versions", nargs="+", required=True, help="Kubernetes versions, e.g. 1.27.0 1.36.0")
    ap.add_argument("--kinds", nargs="+", required=True, help="schema file stems, e.g. deployment-apps-v1")
    a = ap.parse_args()
    out_root = pathlib.Path(a.out)
    with zipfile.ZipFile(a.wheel) as z:
        base = "kubernetes_validate/kubernetes-json-schema"
        for version in a.versions:
            if not re.fullmatch(r"\d+\.\d+\.\d+", version):
                raise SystemExit(f"bad version {version!r}")
            src = f"{base}/v{version}-local-strict"
            definitions = json.loads(z.read(f"{src}/_definitions.json"))["$defs"]
            dst = out_root / f"v{version}-standalone-strict"
            dst.mkdir(parents=True, exist_ok=True)
            for kind in a.kinds:
                schema = standalone(json.loads(z.read(f"{src}/{kind}.json")), definitions)
                path = dst / f"{kind}.json"
                path.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True) + "\n")
                print(f"{path}: {path.stat().st_size} bytes, {len(schema['$defs'])} definitions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
