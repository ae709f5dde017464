# syntax=docker/dockerfile:1
#
# sidestreamd — the sidestream sidecar, as a small Debian bookworm image.
#
#   docker build -t sidestream/sidestreamd:dev .
#   docker run --rm -p 50051:50051 sidestream/sidestreamd:dev --broker kafka:9092
#
# Stages:
#   build    compiles sidestreamd with plain cmake + ninja (no ccache) from the
#            C++ packages that scripts/install-deps.sh installs (no tests, no benchmarks).
#   runtime  Debian bookworm-slim with only the shared libraries sidestreamd links
#            (libgrpc++1.51, libprotobuf32, librdkafka++1, ...), a non-root user and
#            a TCP health check. The build fails if a linked library is missing.
#
# Pin the base image further with --build-arg DEBIAN_IMAGE=debian:bookworm-slim@sha256:...
# See docs/deployment.md.

ARG DEBIAN_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------- build
FROM ${DEBIAN_IMAGE} AS build

# The C++ part of scripts/install-deps.sh (APT_PACKAGES) without ccache; the JDK,
# maven and python3-venv there are for the local broker and the Python tests.
# scripts/check-deploy.sh fails if this list and install-deps.sh drift apart.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc \
      librdkafka-dev librocksdb-dev nlohmann-json3-dev libabsl-dev \
      libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY CMakeLists.txt ./
COPY proto/ proto/
COPY server/ server/

# CCACHE_PROGRAM is preset to "not found" so the project's optional ccache launcher stays off.
RUN cmake -S . -B /build -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DSIDESTREAM_BUILD_TESTS=OFF \
      -DSIDESTREAM_BUILD_BENCH=OFF \
      -DCCACHE_PROGRAM=CCACHE_PROGRAM-NOTFOUND \
 && cmake --build /build --target sidestreamd -j "$(nproc)" \
 && strip --strip-unneeded /build/server/sidestreamd \
 && /build/server/sidestreamd --version

# ---------------------------------------------------------------- runtime
FROM ${DEBIAN_IMAGE} AS runtime

# Runtime packages of the libraries `ldd sidestreamd` lists (their own dependencies,
# e.g. libgrpc29, libabsl20220623, librdkafka1, libssl3, libsasl2-2, come with them).
# librocksdb7.8 is for the state store (RocksDB, see shared DESIGN.md); ca-certificates
# lets librdkafka verify brokers' TLS certificates (SASL_SSL / SSL).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 librdkafka++1 libsimdjson14 librocksdb7.8 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# A fixed, non-root uid/gid (10001): Kubernetes fsGroup and runAsUser in the helm chart use it.
RUN groupadd --gid 10001 sidestream \
 && useradd --no-log-init --uid 10001 --gid sidestream --no-create-home \
      --home-dir /var/lib/sidestream --shell /usr/sbin/nologin sidestream \
 && mkdir -p /var/lib/sidestream/state \
 && chown -R sidestream:sidestream /var/lib/sidestream

COPY --from=build /build/server/sidestreamd /usr/local/bin/sidestreamd

# Fail the image build when a shared library is missing from the list above.
RUN if ldd /usr/local/bin/sidestreamd | grep 'not found'; then exit 1; fi \
 && /usr/local/bin/sidestreamd --version

ENV SIDESTREAM_STATE_DIR=/var/lib/sidestream/state
WORKDIR /var/lib/sidestream
# Numeric, so that Kubernetes runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001

# 50051: gRPC (sidestream.v1.Sidestream, grpc.health.v1.Health, reflection).
# 9464: Prometheus /metrics, served only when --metrics-listen / SIDESTREAM_METRICS_LISTEN is set
#       (e.g. SIDESTREAM_METRICS_LISTEN=0.0.0.0:9464); off by default.
EXPOSE 50051 9464

# The image has no gRPC health client: this checks that the gRPC port accepts TCP
# connections (bash's /dev/tcp). Kubernetes uses the real gRPC health protocol
# (native grpc probes; see helm/sidestream), and so can any grpc_health_probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/50051"]

# Further flags (e.g. --broker kafka:9092) come from `docker run ... IMAGE FLAGS` or
# SIDESTREAM_* environment variables. A later --listen overrides this one.
ENTRYPOINT ["/usr/local/bin/sidestreamd", "--listen", "0.0.0.0:50051"]
