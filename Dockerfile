FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/shnor-monitor.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY texts ./texts
COPY storage ./storage
COPY exports ./exports
COPY botapi_emulator ./botapi_emulator
RUN pip install .

RUN useradd --create-home --uid 10001 shnor \
    && mkdir -p /app/data \
    && chown shnor:shnor /app/data
USER shnor

# The SQLite database lives here; mount a volume to keep it across containers.
VOLUME ["/app/data"]

# Webhook mode (WEBHOOK_URL set) listens here: POST WEBHOOK_PATH and GET /health.
EXPOSE 8080

CMD ["python", "-m", "bot"]
