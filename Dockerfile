# coachbot's image: CPython 3.11 on Debian slim, the locked dependencies only, run as a user
# without privileges. Build: docker build -t coachbot . (or podman build). See docs/deploy.md.

FROM python:3.11-slim-bookworm AS build
# uv from PyPI, pinned like .ci/run's; it installs exactly what uv.lock says.
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/coachbot/.venv
WORKDIR /src
# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md LICENSE ./
RUN uv sync --locked --no-dev --no-install-project
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN uv sync --locked --no-dev --no-editable

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 coachbot \
    && useradd --system --uid 10001 --gid coachbot --home-dir /opt/coachbot --no-create-home coachbot \
    && mkdir -p /var/lib/coachbot && chown coachbot:coachbot /var/lib/coachbot
COPY --from=build /opt/coachbot/.venv /opt/coachbot/.venv
COPY alembic.ini /opt/coachbot/alembic.ini
ENV PATH=/opt/coachbot/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////var/lib/coachbot/coachbot.db
WORKDIR /var/lib/coachbot
USER coachbot:coachbot
EXPOSE 3000
# Alive, not ready: a restart does not bring back Slack or the database (/readyz tells those).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
# coachbot drains in-flight requests for up to 10 s on SIGTERM; give it that, and more.
STOPSIGNAL SIGTERM
CMD ["coachbot", "serve"]
