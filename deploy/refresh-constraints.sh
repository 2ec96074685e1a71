#!/bin/sh
# Write constraints.txt anew: install requirements.txt into a fresh python:3.11-slim (the Dockerfile's
# base) and write down the exact version of every package pip put there (`pip freeze`), below the
# file's own comment lines. Run it from the repository's root, then rebuild and run deploy/check.sh.
#
#   sh deploy/refresh-constraints.sh        # with docker, or podman where no Docker engine answers
#   ENGINE=podman sh deploy/refresh-constraints.sh
#
# Arguments are passed to `docker run`, e.g. a TLS-intercepting proxy's CA bundle for pip, only for this run:
#   sh deploy/refresh-constraints.sh --volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro
set -eu
engine=${ENGINE:-}
if [ -z "$engine" ]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then engine=docker
    elif command -v podman >/dev/null 2>&1; then engine=podman
    else echo "no Docker engine answers and podman is not installed" >&2; exit 1
    fi
fi
trap 'rm -f constraints.txt.new' EXIT
{
    grep '^#' constraints.txt
    "$engine" run --rm "$@" --volume "$PWD/requirements.txt:/requirements.txt:ro" docker.io/library/python:3.11-slim \
        sh -c 'pip install --quiet --no-cache-dir --root-user-action=ignore -r /requirements.txt >&2 && pip freeze'
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned"
