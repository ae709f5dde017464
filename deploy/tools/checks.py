#!/usr/bin/env python3
"""sidestream deployment checks, run by scripts/check-deploy.sh (needs PyYAML, jsonschema, dockerfile-parse).

Subcommands (each exits non-zero and says why when a check fails):

  dockerfile FILE [--runtime-stage] [--install-deps SCRIPT] [--expose PORT ...] [--entrypoint-arg=ARG ...]
      Dockerfile rules (hadolint is not available here; these are the rules this project cares about):
        base-pinned       every base image has an explicit tag or digest naming Debian bookworm
                          (bookworm / 12.x), never `latest` or no tag
        add-forbidden     COPY, not ADD (ADD fetches URLs and unpacks archives implicitly)
        no-downloads      no curl/wget in RUN: images build from package registries only
        apt-hygiene       apt-get update and install in the same RUN, with -y and --no-install-recommends,
                          and /var/lib/apt/lists removed in that RUN; no apt-get upgrade
        copy-from         COPY --from names an earlier stage
        useradd-no-log-init  useradd with --no-log-init (-l)
        final-user        the final stage switches to a non-root, numeric USER (uid[:gid])
        healthcheck       the final stage has a HEALTHCHECK (CMD, or an explicit NONE)
        exec-form         ENTRYPOINT/CMD of the final stage in exec (JSON) form; ENTRYPOINT present
        runtime-only      (--runtime-stage) the final stage installs no -dev packages and no build tools
        build-deps-sync   (--install-deps) the build stage installs exactly the C++ packages of
                          scripts/install-deps.sh, without ccache and the JDK/maven/python3-venv
        expose            (--expose) the final stage EXPOSEs these ports
        entrypoint        (--entrypoint-arg=A, repeatable) the final ENTRYPOINT contains these arguments in order

  runtime-libs DOCKERFILE BINARY
      The final stage's packages provide every shared library `ldd BINARY` lists (directly or through
      their Debian dependencies, from `apt-cache depends --recurse`), and each listed package is either
      linked or in RUNTIME_EXTRA below.

  dockerignore IGNOREFILE DOCKERFILE...
      Every COPY source exists and is inside the build context after .dockerignore; build output,
      virtualenvs and .git are not sent. Prints the context size.

  cmake-configure IGNOREFILE DOCKERFILE
      Stages exactly the files the first (build) stage COPYs, through .dockerignore, and runs that
      stage's `cmake -S ... -D...` configure step on them (needs the C++ packages of install-deps.sh).

  compose FILE SCHEMA
      docker-compose.yml against the Compose specification JSON schema, plus: depends_on
      service_healthy targets define a healthcheck, build contexts and Dockerfiles exist, named
      volumes are declared, images are pinned (no `latest`), stop_grace_period exceeds
      SIDESTREAM_SHUTDOWN_TIMEOUT, SIDESTREAM_ADDRESS names a service.

  rendered MANIFESTS VALUES
      Assertions on `helm template` output for one value set: workload kind, sidecar and app wiring,
      gRPC probes, state volume, secrets only by reference, metrics Service / ServiceMonitor.

  values-keys VALUES SCHEMA DOC
      Every key of the chart's values.yaml appears in DOC as `key` (or under a `parent.*` row); objects
      that the schema describes as Kubernetes types count as one key.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

# Final-stage packages that the binary does not (yet) link but the image needs:
# ca-certificates for librdkafka TLS; librocksdb7.8 for the RocksDB state store (shared DESIGN.md).
RUNTIME_EXTRA = {"ca-certificates", "librocksdb7.8"}
# In scripts/install-deps.sh but not needed to build the image.
INSTALL_DEPS_NOT_IN_IMAGE = {"ccache", "openjdk-17-jre-headless", "maven", "python3-venv"}
BUILD_TOOLS = {"g++", "gcc", "clang", "cmake", "ninja-build", "make", "pkg-config", "ccache", "build-essential",
               "protobuf-compiler", "protobuf-compiler-grpc", "binutils", "git"}


class Problems:
    def __init__(self, what: str):
        self.what, self.items = what, []

    def add(self, rule: str, msg: str) -> None:
        self.items.append(f"{rule}: {msg}")

    def finish(self, ok_note: str = "") -> int:
        if self.items:
            for p in self.items:
                print(f"  {self.what}: {p}")
            return 1
        if ok_note:
            print(f"  {self.what}: {ok_note}")
        return 0


# ---------------------------------------------------------------- Dockerfiles

def parse_dockerfile(path: str):
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=path)
    # Global ARG defaults (before the first FROM) resolve ${...} in FROM lines.
    args: dict[str, str] = {}
    stages: list[dict] = []
    for ins in parser.structure:
        kind = ins["instruction"]
        if kind == "COMMENT":
            continue
        if kind == "FROM":
            words = ins["value"].split()
            flags = [w for w in words if w.startswith("--")]
            rest = [w for w in words if not w.startswith("--")]
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), rest[0])
            name = rest[2] if len(rest) >= 3 and rest[1].lower() == "as" else None
            stages.append({"image": image, "name": name, "flags": flags, "ins": [], "line": ins["startline"] + 1})
            continue
        if not stages:
            if kind == "ARG":
                k, _, v = ins["value"].partition("=")
                args[k.strip()] = v.strip().strip('"')
            continue
        stages[-1]["ins"].append(ins)
    return stages


def run_commands(value: str) -> list[str]:
    """The shell commands of a RUN, split on && ; |."""
    return [c.strip() for c in re.split(r"&&|;|\|\|?", value) if c.strip()]


def apt_packages(value: str) -> list[str]:
    pkgs: list[str] = []
    for cmd in run_commands(value):
        try:
            words = shlex.split(cmd)
        except ValueError:
            words = cmd.split()
        words = [w for w in words if "=" not in w or w.startswith("-")]  # drop VAR=value prefixes
        if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
            after = words[words.index("install") + 1:]
            pkgs += [w for w in after if not w.startswith("-")]
    return pkgs


def install_deps_packages(script: str) -> list[str]:
    text = Path(script).read_text()
    m = re.search(r"APT_PACKAGES=\(([^)]*)\)", text, re.S)
    if not m:
        raise SystemExit(f"{script}: no APT_PACKAGES=(...) list")
    return m.group(1).split()


def cmd_dockerfile(a) -> int:
    p = Problems(a.file)
    stages = parse_dockerfile(a.file)
    if not stages:
        print(f"  {a.file}: no FROM")
        return 1
    names = set()
    for st in stages:
        img = st["image"]
        if img in names or img == "scratch":
            pass
        else:
            last = img.split("@")[0].split("/")[-1]
            tag = last.split(":", 1)[1] if ":" in last else ""
            digest = "@sha256:" in img
            if not tag and not digest:
                p.add("base-pinned", f"line {st['line']}: {img} has no tag")
            elif tag == "latest":
                p.add("base-pinned", f"line {st['line']}: {img} uses latest")
            elif not digest and not re.search(r"bookworm|(^|[^0-9])12(\.\d+)*($|[^0-9])", tag):
                p.add("base-pinned", f"line {st['line']}: {img} does not name Debian bookworm (bookworm or 12.x)")
        if st["name"]:
            names.add(st["name"])
        for ins in st["ins"]:
            kind, value, line = ins["instruction"], ins["value"], ins["startline"] + 1
            if kind == "ADD":
                p.add("add-forbidden", f"line {line}: use COPY instead of ADD")
            if kind == "COPY":
                m = re.search(r"--from=(\S+)", value)
                if m and m.group(1) not in names:
                    p.add("copy-from", f"line {line}: --from={m.group(1)} is not an earlier stage")
            if kind == "RUN":
                cmds = run_commands(value)
                if any(re.match(r"(curl|wget)\b", c) for c in cmds):
                    p.add("no-downloads", f"line {line}: downloads with curl/wget")
                if any(re.match(r"apt\s", c) for c in cmds):
                    p.add("apt-hygiene", f"line {line}: use apt-get, not apt, in scripts")
                if re.search(r"\buseradd\b", value) and not re.search(r"\buseradd\b[^&;|]*\s(-l|--no-log-init)\b", value):
                    p.add("useradd-no-log-init", f"line {line}: useradd without --no-log-init (a large uid "
                          "makes a huge sparse /var/log/lastlog in the layer)")
                if re.search(r"apt-get\s+(-\S+\s+)*(dist-)?upgrade", value):
                    p.add("apt-hygiene", f"line {line}: no apt-get upgrade in images")
                if re.search(r"apt-get\s+(-\S+\s+)*install", value):
                    if not re.search(r"apt-get\s+(-\S+\s+)*update", value):
                        p.add("apt-hygiene", f"line {line}: apt-get install without apt-get update in the same RUN")
                    if not re.search(r"(\s-y\b|\s--yes\b|\s-\w*y)", value):
                        p.add("apt-hygiene", f"line {line}: apt-get install without -y")
                    if "--no-install-recommends" not in value:
                        p.add("apt-hygiene", f"line {line}: apt-get install without --no-install-recommends")
                    if not re.search(r"rm\s+-rf?\s+/var/lib/apt/lists/\*", value):
                        p.add("apt-hygiene", f"line {line}: apt lists not removed (rm -rf /var/lib/apt/lists/*)")
    final = stages[-1]
    fins = final["ins"]
    users = [i for i in fins if i["instruction"] == "USER"]
    if not users:
        p.add("final-user", "the final stage has no USER (runs as root)")
    elif users[-1]["value"].split(":")[0].strip() in ("", "root", "0"):
        p.add("final-user", f"the final stage runs as {users[-1]['value']}")
    elif not re.fullmatch(r"\d+(:\d+)?", users[-1]["value"].strip()):
        p.add("final-user", f"USER {users[-1]['value']} is a name: use the numeric uid[:gid] so that "
              "Kubernetes runAsNonRoot can verify it")
    if not any(i["instruction"] == "HEALTHCHECK" for i in fins):
        p.add("healthcheck", "the final stage has no HEALTHCHECK (write HEALTHCHECK NONE to opt out)")
    entry = [i for i in fins if i["instruction"] == "ENTRYPOINT"]
    if not entry:
        p.add("exec-form", "the final stage has no ENTRYPOINT")
    for i in fins:
        if i["instruction"] in ("ENTRYPOINT", "CMD"):
            try:
                ok = isinstance(json.loads(i["value"]), list)
            except json.JSONDecodeError:
                ok = False
            if not ok:
                p.add("exec-form", f"line {i['startline'] + 1}: {i['instruction']} is not in exec (JSON) form")
    if a.runtime_stage:
        for i in fins:
            if i["instruction"] == "RUN":
                for pkg in apt_packages(i["value"]):
                    if pkg.endswith("-dev") or pkg in BUILD_TOOLS:
                        p.add("runtime-only", f"line {i['startline'] + 1}: final stage installs {pkg}")
    if a.install_deps:
        build_pkgs = set()
        for st in stages[:-1]:
            for i in st["ins"]:
                if i["instruction"] == "RUN":
                    build_pkgs |= set(apt_packages(i["value"]))
        want = set(install_deps_packages(a.install_deps)) - INSTALL_DEPS_NOT_IN_IMAGE
        if build_pkgs != want:
            if want - build_pkgs:
                p.add("build-deps-sync", f"missing from the build stage: {' '.join(sorted(want - build_pkgs))}")
            if build_pkgs - want:
                p.add("build-deps-sync", f"not in {a.install_deps}: {' '.join(sorted(build_pkgs - want))}")
    if a.expose:
        exposed = set()
        for i in fins:
            if i["instruction"] == "EXPOSE":
                exposed |= {w.split("/")[0] for w in i["value"].split()}
        for port in a.expose:
            if port not in exposed:
                p.add("expose", f"the final stage does not EXPOSE {port}")
    if a.entrypoint_arg and entry:
        try:
            argv = json.loads(entry[-1]["value"])
        except json.JSONDecodeError:
            argv = []
        joined = "\0".join(argv)
        if "\0".join(a.entrypoint_arg) not in joined:
            p.add("entrypoint", f"ENTRYPOINT {argv} does not contain {a.entrypoint_arg}")
    return p.finish(f"{len(stages)} stage(s), final FROM {final['image']}, rules ok")


def dpkg_owner(path: str) -> str | None:
    for cand in dict.fromkeys([path, os.path.realpath(path), "/usr" + path if not path.startswith("/usr") else path,
                               "/usr" + os.path.realpath(path)]):
        r = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout:
            return r.stdout.split(":")[0].split(",")[0].strip()
    return None


def cmd_runtime_libs(a) -> int:
    p = Problems(f"{a.dockerfile} vs ldd {a.binary}")
    final = parse_dockerfile(a.dockerfile)[-1]
    pkgs: list[str] = []
    for i in final["ins"]:
        if i["instruction"] == "RUN":
            pkgs += apt_packages(i["value"])
    out = subprocess.run(["ldd", a.binary], capture_output=True, text=True, check=True).stdout
    if "not found" in out:
        p.add("ldd", "the binary has unresolved libraries on this machine:\n" + out)
    libs = re.findall(r"=>\s+(/\S+)", out)
    needed: dict[str, list[str]] = {}
    for lib in libs:
        owner = dpkg_owner(lib)
        if owner is None:
            p.add("dpkg", f"no Debian package owns {lib}")
            continue
        needed.setdefault(owner, []).append(os.path.basename(lib))
    closure = set(pkgs)
    for pkg in pkgs:
        r = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                            "--no-breaks", "--no-replaces", "--no-enhances", "--no-pre-depends", pkg],
                           capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.strip():
            p.add("apt-cache", f"apt does not know {pkg} on this machine (run apt-get update?): {r.stderr.strip()}")
            continue
        for line in r.stdout.splitlines():
            line = line.strip()
            if line.startswith("Depends:"):
                closure.add(line.split()[-1].strip("<>").split(":")[0])
            elif line and not line.startswith(("|", " ")) and ":" not in line:
                closure.add(line.strip("<>"))
    for owner, files in sorted(needed.items()):
        if owner.split(":")[0] not in closure:
            p.add("missing", f"{owner} (for {', '.join(files)}) is not installed by the final stage")
    direct = {o.split(":")[0] for o in needed}
    for pkg in pkgs:
        if pkg not in direct and pkg not in RUNTIME_EXTRA:
            p.add("unused", f"the final stage installs {pkg}, which the binary does not link")
    return p.finish(f"{len(libs)} libraries from {len(needed)} packages, all provided by: {' '.join(pkgs)}")


# ---------------------------------------------------------------- .dockerignore

def ignore_regex(pattern: str) -> re.Pattern:
    pattern = os.path.normpath(pattern.lstrip("/"))
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(f"^{out}$")


def load_ignore(path: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        neg = line.startswith("!")
        rules.append((neg, ignore_regex(line[1:] if neg else line)))
    return rules


def excluded(rules, rel: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for neg, rx in rules:
        if any(rx.match(pre) for pre in prefixes):
            result = not neg
    return result


def cmd_dockerignore(a) -> int:
    p = Problems(a.ignore)
    rules = load_ignore(a.ignore)
    root = Path(a.ignore).resolve().parent
    for df in a.dockerfiles:
        for st in parse_dockerfile(df):
            for i in st["ins"]:
                if i["instruction"] != "COPY" or "--from=" in i["value"]:
                    continue
                words = [w for w in i["value"].split() if not w.startswith("--")]
                for src in words[:-1]:
                    rel = os.path.normpath(src).lstrip("./") or "."
                    if not (root / rel).exists():
                        p.add("copy-source", f"{df} line {i['startline'] + 1}: {src} does not exist")
                    elif excluded(rules, rel):
                        p.add("copy-source", f"{df} line {i['startline'] + 1}: {src} is excluded by {a.ignore}")
                    elif (root / rel).is_dir():
                        kept = [f for f in (root / rel).rglob("*") if f.is_file()
                                and not excluded(rules, str(f.relative_to(root)))]
                        if not kept:
                            p.add("copy-source", f"{df}: nothing of {src} reaches the context")
    for must in (".git/HEAD", "build/server/sidestreamd", ".venv/bin/python", "client-sdk/python/build/lib/x.py",
                 "client-sdk/python/sidestream/__pycache__/x.pyc", "tests/e2e/conftest.py"):
        if not excluded(rules, must):
            p.add("context", f"{must} would be sent to the Docker daemon")
    files = size = 0
    for dirpath, dirnames, filenames in os.walk(root):
        reld = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for fn in filenames:
            rel = os.path.normpath(os.path.join(reld, fn))
            if not excluded(rules, rel):
                files += 1
                size += os.path.getsize(os.path.join(dirpath, fn))
    return p.finish(f"build context: {files} files, {size / 1024:.0f} KiB")


# ---------------------------------------------------------------- compose

def seconds(v) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    total = 0.0
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", str(v)):
        total += float(num) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
    return total


def cmd_cmake_configure(a) -> int:
    """Configure the build stage's cmake command on exactly the files its COPY lines put in the image."""
    import shutil
    import tempfile

    p = Problems(f"{a.dockerfile} build stage")
    rules = load_ignore(a.ignore)
    root = Path(a.ignore).resolve().parent
    stage = parse_dockerfile(a.dockerfile)[0]
    work = Path(tempfile.mkdtemp(prefix="sidestream-cmake-"))
    ctx, workdir, cmake_run = work / "ctx", "/", None
    try:
        ctx.mkdir()
        for i in stage["ins"]:
            if i["instruction"] == "WORKDIR":
                workdir = i["value"].strip()
            elif i["instruction"] == "COPY" and "--from=" not in i["value"]:
                words = [w for w in i["value"].split() if not w.startswith("--")]
                dest = words[-1]
                if not dest.startswith("/"):
                    dest = os.path.join(workdir, dest)
                for src in words[:-1]:
                    rel = os.path.normpath(src)
                    srcp = root / rel
                    files = [srcp] if srcp.is_file() else [f for f in srcp.rglob("*") if f.is_file()]
                    for f in files:
                        frel = str(f.relative_to(root))
                        if excluded(rules, frel):
                            continue
                        inner = f.name if srcp.is_file() else str(f.relative_to(srcp))
                        target = Path(dest.rstrip("/") + "/" + inner) if (dest.endswith("/") or srcp.is_dir()) \
                            else Path(dest)
                        out = ctx / str(target).lstrip("/")
                        out.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(f, out)
            elif i["instruction"] == "RUN" and re.search(r"\bcmake\s+-S\b", i["value"]):
                cmake_run = i["value"]
        if cmake_run is None:
            p.add("cmake", "no `cmake -S` RUN in the build stage")
            return p.finish()
        first = re.split(r"&&", cmake_run)[0]
        words = shlex.split(first.replace("\\\n", " "))
        src_dir = words[words.index("-S") + 1]
        opts = [w for w in words[words.index("cmake") + 1:] if w.startswith("-D")]
        gen = words[words.index("-G") + 1] if "-G" in words else None
        cmd = ["cmake", "-S", str(ctx / os.path.join(workdir, src_dir).lstrip("/")), "-B", str(work / "build")]
        cmd += opts + (["-G", gen] if gen else [])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            p.add("cmake", f"{' '.join(cmd)} failed:\n{(r.stdout + r.stderr)[-3000:]}")
        files = sum(1 for f in ctx.rglob("*") if f.is_file())
        return p.finish(f"cmake configure ok on the {files} files the stage copies ({' '.join(opts)})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cmd_compose(a) -> int:
    import jsonschema

    p = Problems(a.file)
    doc = yaml.safe_load(Path(a.file).read_text())
    schema = json.loads(Path(a.schema).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        p.add("schema", f"/{'/'.join(map(str, err.absolute_path))}: {err.message}")
    root = Path(a.file).resolve().parent
    services = doc.get("services", {}) or {}
    volumes = set((doc.get("volumes") or {}).keys())
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        if isinstance(deps, dict):
            for dep, cond in deps.items():
                if dep not in services:
                    p.add("depends_on", f"{name} depends on unknown service {dep}")
                elif (cond or {}).get("condition") == "service_healthy" and not services[dep].get("healthcheck"):
                    p.add("depends_on", f"{name} waits for {dep} to be healthy, but {dep} has no healthcheck")
        elif deps:
            p.add("depends_on", f"{name}: use the long depends_on form with condition: service_healthy")
        build = svc.get("build")
        if build:
            ctx = root / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = ctx / ("Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile"))
            if not ctx.is_dir():
                p.add("build", f"{name}: context {ctx} does not exist")
            if not dockerfile.is_file():
                p.add("build", f"{name}: {dockerfile} does not exist")
        image = svc.get("image", "")
        if image and not build and (":" not in image.split("/")[-1] or image.endswith(":latest")):
            p.add("image", f"{name}: image {image} is not pinned to a tag")
        for v in svc.get("volumes") or []:
            src = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
            vtype = "volume" if isinstance(v, str) and not src.startswith((".", "/", "~")) else \
                (v.get("type", "volume") if isinstance(v, dict) else "bind")
            if vtype == "volume" and src and src not in volumes:
                p.add("volumes", f"{name}: named volume {src} is not declared under volumes:")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
        if "SIDESTREAM_SHUTDOWN_TIMEOUT" in env or name == "sidestreamd":
            timeout = float(env.get("SIDESTREAM_SHUTDOWN_TIMEOUT", 30))
            grace = seconds(svc.get("stop_grace_period", "10s"))
            if grace <= timeout:
                p.add("stop_grace_period", f"{name}: stop_grace_period {grace:g}s must exceed the "
                      f"shutdown timeout {timeout:g}s")
        addr = env.get("SIDESTREAM_ADDRESS")
        if addr:
            host = str(addr).rsplit(":", 1)[0]
            if host not in services:
                p.add("address", f"{name}: SIDESTREAM_ADDRESS {addr} names no service")
            elif host not in (svc.get("depends_on") or {}):
                p.add("address", f"{name}: talks to {host} but does not depend on it")
    return p.finish(f"{len(services)} services valid against the Compose specification")


# ---------------------------------------------------------------- rendered chart

def deep_get(d, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def cmd_rendered(a) -> int:
    p = Problems(f"{a.manifests} ({a.values})")
    docs = [d for d in yaml.safe_load_all(Path(a.manifests).read_text()) if d]
    values = yaml.safe_load(Path(a.values).read_text()) or {}
    kind = deep_get(values, "workload", "kind", default="Deployment")
    native = deep_get(values, "sidecar", "native", default=False)
    port = deep_get(values, "sidecar", "grpcPort", default=50051)
    workloads = [d for d in docs if d.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Job")]
    if len(workloads) != 1 or workloads[0]["kind"] != kind:
        p.add("workload", f"want one {kind}, got {[w.get('kind') for w in workloads]}")
        return p.finish()
    w = workloads[0]
    pod = w["spec"]["template"]["spec"]
    pool = (pod.get("initContainers") or []) if native else pod.get("containers") or []
    sidecars = [c for c in pool if c.get("name") == deep_get(values, "sidecar", "name", default="sidestreamd")]
    apps = [c for c in pod.get("containers") or [] if c.get("name") == deep_get(values, "app", "name", default="app")]
    if len(sidecars) != 1 or len(apps) != 1:
        p.add("containers", f"want the sidecar ({'initContainers' if native else 'containers'}) and the app container")
        return p.finish()
    sc, app = sidecars[0], apps[0]
    if native and sc.get("restartPolicy") != "Always":
        p.add("native", "a native sidecar needs restartPolicy: Always")
    # The pod's gRPC contract: the sidecar listens on all interfaces (the kubelet probes the pod IP),
    # the app dials loopback.
    if f"--listen=0.0.0.0:{port}" not in (sc.get("args") or []):
        p.add("listen", f"sidecar args {sc.get('args')} lack --listen=0.0.0.0:{port}")
    app_env = {e["name"]: e for e in app.get("env") or []}
    if deep_get(app_env, "SIDESTREAM_ADDRESS", "value") != f"127.0.0.1:{port}":
        p.add("address", f"app SIDESTREAM_ADDRESS is {deep_get(app_env, 'SIDESTREAM_ADDRESS', 'value')!r}")
    for probe in ("livenessProbe", "readinessProbe"):
        if deep_get(sc, probe, "grpc", "port") != port:
            p.add("probes", f"sidecar {probe} is not a gRPC probe on port {port}: {sc.get(probe)}")
    for c in pod.get("containers", []) + pod.get("initContainers", []):
        for e in c.get("env") or []:
            if re.search(r"PASSWORD|SECRET|TOKEN|SASL_USERNAME", e["name"]) and "value" in e:
                p.add("secrets", f"{c['name']}: {e['name']} has a literal value; use valueFrom.secretKeyRef")
    sasl = deep_get(values, "kafka", "sasl", "enabled", default=False)
    for var in ("SIDESTREAM_KAFKA_SASL_USERNAME", "SIDESTREAM_KAFKA_SASL_PASSWORD"):
        ref = deep_get(app_env, var, "valueFrom", "secretKeyRef", "name")
        if sasl and ref != deep_get(values, "kafka", "sasl", "existingSecret"):
            p.add("secrets", f"app {var} does not come from the existing Secret: {app_env.get(var)}")
        if not sasl and var in app_env:
            p.add("secrets", f"{var} set although kafka.sasl.enabled is false")
    if any(var.startswith("SIDESTREAM_KAFKA_SASL") for c in [sc] for var in {e["name"] for e in c.get("env") or []}):
        p.add("secrets", "the sidecar must not receive SASL credentials (the app passes them per pipeline)")
    sc_env = {e["name"]: e.get("value") for e in sc.get("env") or []}
    mounts = {m["name"]: m["mountPath"] for m in sc.get("volumeMounts") or []}
    if mounts.get("state") != sc_env.get("SIDESTREAM_STATE_DIR"):
        p.add("state", f"state mount {mounts.get('state')} != SIDESTREAM_STATE_DIR {sc_env.get('SIDESTREAM_STATE_DIR')}")
    vols = {v["name"]: v for v in pod.get("volumes") or []}
    claims = [t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates") or []]
    if kind == "StatefulSet":
        if "state" not in claims or "state" in vols:
            p.add("state", f"StatefulSet state must be a volumeClaimTemplate (claims {claims}, volumes {list(vols)})")
        svc_name = w["spec"].get("serviceName")
        if not deep_get(values, "workload", "serviceName") and not any(
                d.get("kind") == "Service" and d["metadata"]["name"] == svc_name
                and d["spec"].get("clusterIP") == "None" for d in docs):
            p.add("state", f"no headless Service {svc_name} for the StatefulSet")
    elif "emptyDir" not in vols.get("state", {}):
        p.add("state", f"Deployment state must be an emptyDir: {vols.get('state')}")
    if deep_get(sc, "securityContext", "runAsNonRoot") is not True and \
            deep_get(pod, "securityContext", "runAsNonRoot") is not True:
        p.add("security", "the sidecar may run as root")
    metrics = deep_get(values, "metrics", "enabled", default=False)
    mport = deep_get(values, "metrics", "port", default=9464)
    services = [d for d in docs if d.get("kind") == "Service" and
                deep_get(d, "metadata", "labels", "app.kubernetes.io/component") == "metrics"]
    monitors = [d for d in docs if d.get("kind") == "ServiceMonitor"]
    if metrics:
        if sc_env.get("SIDESTREAM_METRICS_LISTEN") != f"0.0.0.0:{mport}":
            p.add("metrics", f"SIDESTREAM_METRICS_LISTEN is {sc_env.get('SIDESTREAM_METRICS_LISTEN')!r}")
        if len(services) != 1 or services[0]["spec"]["ports"][0]["targetPort"] != mport:
            p.add("metrics", "want one metrics Service targeting the metrics port")
        elif services[0]["spec"]["selector"] != w["spec"]["selector"]["matchLabels"]:
            p.add("metrics", "the metrics Service does not select the workload's pods")
        want_sm = deep_get(values, "metrics", "serviceMonitor", "enabled", default=False)
        if want_sm != bool(monitors):
            p.add("metrics", f"ServiceMonitor wanted={want_sm}, rendered={bool(monitors)}")
        for sm in monitors:
            sel = deep_get(sm, "spec", "selector", "matchLabels") or {}
            if services and any(services[0]["metadata"]["labels"].get(k) != v for k, v in sel.items()):
                p.add("metrics", "the ServiceMonitor does not select the metrics Service")
            if [e.get("port") for e in sm["spec"].get("endpoints", [])] != ["metrics"]:
                p.add("metrics", "the ServiceMonitor does not scrape the 'metrics' port")
    elif services or monitors or "SIDESTREAM_METRICS_LISTEN" in sc_env:
        p.add("metrics", "metrics resources rendered although metrics.enabled is false")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if grace <= float(sc_env.get("SIDESTREAM_SHUTDOWN_TIMEOUT") or 30):
        p.add("shutdown", f"terminationGracePeriodSeconds {grace} does not exceed the sidecar's shutdown timeout")
    return p.finish(f"{len(docs)} resources: {kind}{' (native sidecar)' if native else ''}, "
                    f"{'SASL via Secret, ' if sasl else ''}{'metrics' if metrics else 'no metrics'}"
                    f"{' + ServiceMonitor' if monitors else ''}")


def leaf_keys(values: dict, schema: dict, prefix: str = ""):
    """Dotted value keys, down to leaves or to objects the schema leaves to Kubernetes (documented whole)."""
    for key, value in values.items():
        node = (schema.get("properties") or {}).get(key, {})
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and node.get("properties") and \
                not str(node.get("description", "")).startswith("Kubernetes"):
            yield from leaf_keys(value, node, path + ".")
        else:
            yield path


def cmd_values_keys(a) -> int:
    p = Problems(a.doc)
    values = yaml.safe_load(Path(a.values).read_text())
    schema = json.loads(Path(a.schema).read_text())
    text = Path(a.doc).read_text()
    keys = list(leaf_keys(values, schema))
    for key in keys:
        parts = key.split(".")
        wildcards = [f"`{'.'.join(parts[:n])}.*`" for n in range(1, len(parts))]
        if f"`{key}`" not in text and not any(w in text for w in wildcards):
            p.add("values-table", f"`{key}` from {a.values} is not documented")
    return p.finish(f"all {len(keys)} values documented")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dockerfile")
    d.add_argument("file")
    d.add_argument("--runtime-stage", action="store_true")
    d.add_argument("--install-deps")
    d.add_argument("--expose", nargs="*", default=[])
    d.add_argument("--entrypoint-arg", action="append", default=[])
    r = sub.add_parser("runtime-libs")
    r.add_argument("dockerfile")
    r.add_argument("binary")
    i = sub.add_parser("dockerignore")
    i.add_argument("ignore")
    i.add_argument("dockerfiles", nargs="+")
    k = sub.add_parser("cmake-configure")
    k.add_argument("ignore")
    k.add_argument("dockerfile")
    c = sub.add_parser("compose")
    c.add_argument("file")
    c.add_argument("schema")
    m = sub.add_parser("rendered")
    m.add_argument("manifests")
    m.add_argument("values")
    v = sub.add_parser("values-keys")
    v.add_argument("values")
    v.add_argument("schema")
    v.add_argument("doc")
    a = ap.parse_args()
    return {"dockerfile": cmd_dockerfile, "runtime-libs": cmd_runtime_libs, "dockerignore": cmd_dockerignore,
            "compose": cmd_compose, "cmake-configure": cmd_cmake_configure, "rendered": cmd_rendered, "values-keys": cmd_values_keys}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
