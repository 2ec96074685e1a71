# The app in a container: `docker build -t gd-dashboard .` then `docker run -p 8501:8501 gd-dashboard`
# and open http://localhost:8501 (README, "In a container"). With podman, build with
# `--format docker`: podman's default image format (OCI) has no place for the HEALTHCHECK below.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501

# The dependencies first, in their own layer: editing the app does not reinstall them. constraints.txt
# holds the exact version of every package (refreshed with deploy/refresh-constraints.sh), so an image
# built next month has this month's packages; requirements.txt only says what the app needs.
COPY requirements.txt constraints.txt /app/
RUN pip install --root-user-action=ignore -r /app/requirements.txt -c /app/constraints.txt

# Not root: the server runs as an unprivileged user who cannot change the app's files (they belong to root).
RUN useradd --create-home --uid 10001 learner
WORKDIR /app
# Only the app's own files come in (.dockerignore lists them): no virtual environment, cache or test.
COPY . /app
USER learner

EXPOSE 8501
# /_stcore/health answers "ok" once the server is up. The slim image has no curl: Python asks instead.
# No failure counts in the first 60 s (--start-period). deploy/compose.yaml also asks every second
# until the first answer (start_interval: Docker Engine 25+); --start-interval is not written here
# because older builders, podman's buildah 1.28 among them, refuse the whole Dockerfile over it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:${PORT}/_stcore/health', timeout=4).read() != b'ok')"

# .streamlit/config.toml (copied with the app) sets headless, the 5 MB upload limit and the theme.
# The address 0.0.0.0 lets `docker run -p` reach the server; the port comes from $PORT.
CMD ["sh", "-c", "exec streamlit run app.py --server.address 0.0.0.0 --server.port \"$PORT\" --server.headless true --server.fileWatcherType none"]
