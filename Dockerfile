# The production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app
RUN useradd --system --home /app fifth

COPY pyproject.toml README.md requirements.lock ./
# The locked versions, each checked against its hash (README.md, "Dependencies"), then the
# project itself without resolving anything again.
RUN pip install --require-hashes --no-deps -r requirements.lock
# The project and its apps, floor by floor (docs/architecture.md).
COPY heart heart
COPY web web
COPY people people
COPY location location
COPY background background
COPY access access
COPY triage triage
COPY workforce workforce
COPY dispatch dispatch
COPY care_navigation care_navigation
COPY interop interop
COPY dashboards dashboards
COPY demo demo
RUN pip install --no-deps .
COPY manage.py ./
COPY templates templates
COPY static static
# Static files are collected at build time; whitenoise serves them compressed and cache-busted.
RUN DEBUG=1 python manage.py collectstatic --noinput && mkdir -p /app/var && chown -R fifth /app/var
USER fifth
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=5 \
  CMD ["python", "-m", "heart.healthcheck"]
CMD ["gunicorn", "heart.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
