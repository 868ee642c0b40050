# syntax=docker/dockerfile:1
# gate as a small static image. Build and run (the evidence mounted at /src):
#
#   docker build -t gate .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/src" -w /src gate check reports/
#
# The default target is `FROM scratch` with nothing but the static (musl) binary; the `ci`
# target adds a shell (Alpine) for CI systems that run scripts inside the image, such as
# GitLab CI: `docker build --target ci -t gate:ci .`. docs/ci.md shows both in use.

FROM rust:1-alpine AS build
# The C parts of the build (regorus' mimalloc) need the musl headers.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY . .
RUN cargo build --release --locked -p gate-cli \
    && cp target/release/gate /gate \
    && /gate --version

FROM alpine:3.22 AS ci
COPY --from=build /gate /usr/local/bin/gate
RUN gate --version
WORKDIR /src
CMD ["gate", "--help"]

FROM scratch AS gate
COPY --from=build /gate /gate
USER 65534:65534
WORKDIR /src
ENTRYPOINT ["/gate"]
CMD ["--help"]
