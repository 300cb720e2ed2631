"""Project-wide pytest setup: fixtures shared by every app's tests."""

import pytest

from grassroots.core.testing import *  # noqa: F401,F403  (fixtures)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # the cache outlives each test's rolled-back database
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_BACKEND = "grassroots.notifications.sms.backends.LocmemSmsBackend"
    from grassroots.notifications.sms import backends as sms_backends

    sms_backends.outbox.clear()
    # Argon2 is the production hasher (see config/settings.py); tests hash thousands of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run without collectstatic: assets come from the finders, not a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
