FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data PORT=8000
WORKDIR /app

# gettext: msgfmt, to compile the Chinese catalogue (locale/zh_Hans; the .mo files are not committed).
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=build DATA_DIR=/tmp/build python manage.py compilemessages -v0 --ignore=var && rm -rf /tmp/build
RUN useradd --create-home archive && mkdir -p /data && chown archive /data
USER archive

ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["sh", "-c", "gunicorn newspaper.wsgi:application --bind 0.0.0.0:${PORT}"]
