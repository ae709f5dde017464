#!/usr/bin/env python3
"""Smoke-test the sidestreamd image's final stage without a Docker engine.

Builds a Debian bookworm root filesystem with debootstrap (cached), then carries out the final stage of
the Dockerfile in it: each RUN in a chroot (the real apt-get install of the runtime packages, useradd,
the ldd guard), COPY --from=build with a given binary, ENV, WORKDIR and USER. Then, in a private network
namespace (unshare -n: only its own loopback, so nothing else on the machine is touched), it starts the
ENTRYPOINT as the image's user, runs the image's HEALTHCHECK command, asks grpc.health.v1.Health/Check
over gRPC, and stops the server with SIGTERM, which must exit 0.

Usage (root; needs debootstrap, unshare, and a Python with grpcio for the health call):
    python3 deploy/tools/rootfs_smoke.py --dockerfile Dockerfile --binary build/server/sidestreamd \
        --python .venv/bin/python
Opt-in (takes about a minute with a cached base, plus ~30 s for the first debootstrap); not part of
scripts/check-deploy.sh. The binary must be built on bookworm with the same library versions (any build
from scripts/build.sh on this kind of machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checks import parse_dockerfile  # noqa: E402

HEALTH_PROBE = r"""
import sys, grpc
channel = grpc.insecure_channel(sys.argv[1])
grpc.channel_ready_future(channel).result(timeout=10)
check = channel.unary_unary("/grpc.health.v1.Health/Check",
                            request_serializer=lambda b: b, response_deserializer=lambda b: b)
resp = check(b"", timeout=5)   # HealthCheckRequest{service: ""}
# HealthCheckResponse{status: SERVING(1)} is the bytes 08 01
print("health response", resp.hex())
sys.exit(0 if resp == b"\x08\x01" else 1)
"""


def sh(cmd, **kw):
    print("+", cmd if isinstance(cmd, str) else " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def base_rootfs(cache: Path, mirror: str) -> Path:
    base = cache / "rootfs-bookworm-minbase"
    if not (base / ".complete").exists():
        shutil.rmtree(base, ignore_errors=True)
        sh(["debootstrap", "--variant=minbase", "bookworm", str(base), mirror])
        (base / ".complete").touch()
    return base


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dockerfile", default="Dockerfile")
    ap.add_argument("--binary", default="build/server/sidestreamd")
    ap.add_argument("--python", default=".venv/bin/python", help="a Python with grpcio")
    ap.add_argument("--mirror", default="http://deb.debian.org/debian")
    ap.add_argument("--cache", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                     "sidestream"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("rootfs_smoke: needs root (chroot, unshare)")
    final = parse_dockerfile(a.dockerfile)[-1]
    work = Path(tempfile.mkdtemp(prefix="sidestream-rootfs-"))
    root = work / "rootfs"
    proc_mounted = False
    try:
        sh(["cp", "-a", str(base_rootfs(Path(a.cache), a.mirror)), str(root)])
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
        sh(["mount", "-t", "proc", "proc", str(root / "proc")])
        proc_mounted = True
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        user, workdir, entrypoint, healthcheck = "root", "/", None, None
        for ins in final["ins"]:
            kind, value = ins["instruction"], ins["value"]
            if kind == "RUN":
                sh(["chroot", str(root), "/bin/sh", "-c", value], env=env)
            elif kind == "COPY":
                words = value.split()
                if not any(w.startswith("--from=") for w in words):
                    raise SystemExit(f"unsupported COPY from the context: {value}")
                dest = root / words[-1].lstrip("/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(a.binary, dest)
                print(f"+ COPY {a.binary} -> {words[-1]}")
            elif kind == "ENV":
                for part in value.split():
                    k, _, v = part.partition("=")
                    env[k] = v
            elif kind == "WORKDIR":
                workdir = value
            elif kind == "USER":
                user = value
            elif kind == "ENTRYPOINT":
                entrypoint = json.loads(value)
            elif kind == "HEALTHCHECK":
                healthcheck = json.loads(value[value.index("CMD") + 3:].strip())
        if not entrypoint or not healthcheck:
            raise SystemExit("the final stage needs ENTRYPOINT and HEALTHCHECK CMD [...]")
        spec = subprocess.run(["chroot", str(root), "id", "-u", user.split(":")[0]], capture_output=True, text=True,
                              check=True).stdout.strip()
        gid = subprocess.run(["chroot", str(root), "id", "-g", user.split(":")[0]], capture_output=True, text=True,
                             check=True).stdout.strip()
        userspec = f"{spec}:{gid}"
        envs = " ".join(f"{k}={v}" for k, v in env.items())
        run_as = f"chroot --userspec={userspec} {root} /usr/bin/env -C {workdir} {envs}"
        probe = work / "probe.py"
        probe.write_text(HEALTH_PROBE)
        script = f"""
set -eu
ip link set lo up
{run_as} SIDESTREAM_METRICS_LISTEN=0.0.0.0:9464 {' '.join(entrypoint)} --log-level=info &
pid=$!
for i in $(seq 1 50); do
  if {run_as} {shlex.join(healthcheck)} 2>/dev/null; then break; fi
  sleep 0.2
done
echo "HEALTHCHECK command ({' '.join(healthcheck)}):"
{run_as} {shlex.join(healthcheck)} && echo "  exit 0 (healthy)"
{a.python} {probe} 127.0.0.1:50051
{a.python} -c 'import urllib.request as u; b = u.urlopen("http://127.0.0.1:9464/metrics", timeout=5).read(); print("metrics: GET :9464/metrics ->", len(b), "bytes")'
{run_as} /bin/sh -c 'touch "$SIDESTREAM_STATE_DIR/.write-test" && echo "state dir writable by $(id -un) (uid $(id -u))"'
kill -TERM $pid
wait $pid && echo "sidestreamd exited 0 after SIGTERM"
"""
        sh(["unshare", "--net", "bash", "-c", script])
        print("rootfs smoke test: ok")
        return 0
    finally:
        if proc_mounted:
            subprocess.run(["umount", str(root / "proc")])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
