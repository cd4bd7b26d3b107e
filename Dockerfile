FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data PORT=8000
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home archive && mkdir -p /data && chown archive /data
USER archive

ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["sh", "-c", "gunicorn newspaper.wsgi:application --bind 0.0.0.0:${PORT}"]
