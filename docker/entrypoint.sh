#!/bin/sh
# Migrate and collect static files, then hand over to the command (gunicorn, a worker, manage.py …).
set -e
python manage.py migrate --noinput
python manage.py collectstatic --noinput -v0
exec "$@"
