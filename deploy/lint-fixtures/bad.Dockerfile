# A Dockerfile that breaks every rule of deploy/tools/checks.py `dockerfile`:
# scripts/check-deploy.sh makes sure the linter reports each rule named in `expect:` lines.
# expect: base-pinned add-forbidden no-downloads apt-hygiene copy-from useradd-no-log-init final-user healthcheck exec-form runtime-only
FROM debian:latest AS build
RUN apt-get install -y g++
FROM debian
ADD https://example.invalid/tool.tar.gz /opt/
RUN curl -fsSL https://example.invalid/install.sh | sh
RUN apt-get update && apt-get install libgrpc++-dev cmake
COPY --from=builder /x /usr/local/bin/x
RUN useradd --uid 10001 app
ENTRYPOINT /usr/local/bin/x
