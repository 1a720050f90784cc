# One image for the web server, the workers and the scheduler.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app

# No redis-server or chromium in the image: Redis runs in its own container, browsers only in tests.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=build python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app app && mkdir -p /app/var/media && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
