"""The suite runs on the database it was asked to run on (make test runs it on SQLite and on
PostgreSQL; a PostgreSQL run that quietly fell back to SQLite would prove nothing)."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_expected_database():
    expected = os.environ.get("EXPECT_DB", "sqlite")
    assert connection.vendor == expected
