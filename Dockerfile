# og: Open Graph cards from Inkscape SVG templates, served by gunicorn with og's settings
# (og/gunicorn_conf.py, as the Procfile).
#   docker build -t og . && docker run -p 8000:8000 og
FROM python:3.11-slim

# CairoSVG draws with the cairo C library, which pip cannot install.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcairo2 \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    WEB_CONCURRENCY=2

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Byte-compiled now, while /app is writable: with PYTHONDONTWRITEBYTECODE (and no write access
# at run time) every process would otherwise compile og's ~100 modules again (≈ 40 ms a start).
RUN python -m compileall -q og app.py

# The server needs no write access to its own code, templates or fonts.
RUN useradd --system --uid 10001 --no-create-home og
USER og

EXPOSE 8000
# Python's standard library only: slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

# PORT is set, so og.gunicorn_conf binds 0.0.0.0:$PORT (Docker's port mapping reaches it).
CMD ["gunicorn", "-c", "python:og.gunicorn_conf", "app:app"]
