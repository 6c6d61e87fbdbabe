# One image for web, worker and beat. Build: docker compose build
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# The production lock: every package pinned by hash, no test or lint tools.
COPY requirements-prod.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-prod.lock
COPY . .
# Collected as production runs: DEBUG off, so the manifest (hashed, long-cacheable names) is
# written. The build has no real secret; the running container must be given one.
RUN VETTING_ALLOW_DEV_SECRET=1 python manage.py collectstatic --noinput
RUN useradd --system --home /app vetting && mkdir -p /app/var && chown -R vetting /app/var
USER vetting
EXPOSE 8000
CMD ["gunicorn", "vetting.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
