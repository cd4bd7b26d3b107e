"""Test settings: everything the suite writes goes to a throw-away DATA_DIR."""

import os
import tempfile

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="archive-test-")
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("HUEY_IMMEDIATE", "1")  # background jobs run inline in tests

from newspaper.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
