"""Test helpers: an organization tree, users with built-in roles on it, fixtures, and calls
run at the same instant in threads (for the concurrency tests on PostgreSQL)."""

import functools
import threading

import pytest

from grassroots.core import permissions


def grant(user, role_slug: str, organization):
    from grassroots.accounts.models import Role, RoleGrant
    from grassroots.accounts.signals import ensure_builtin_roles

    if not Role.objects.filter(slug=role_slug).exists():  # flushed by a transactional test
        ensure_builtin_roles()
    role = Role.objects.get(slug=role_slug)
    obj = RoleGrant.objects.create(user=user, role=role, organization=organization)
    permissions.forget_scopes(user)
    return obj


@pytest.fixture
def county(db):
    """A small county: 县委 → 组织部, 司法局党总支 (支部一, 支部二), 城关镇党委 (社区支部)."""
    from grassroots.orgs.tests.factories import build_county

    return build_county()


@pytest.fixture
def make_user(db):
    from grassroots.accounts.tests.factories import UserFactory

    def make(role_slug: str | None = None, organization=None, **kwargs):
        user = UserFactory(**kwargs)
        if role_slug:
            grant(user, role_slug, organization)
        return user

    return make


def queries_of(client, url: str) -> int:
    """The queries a page costs once what a process caches on first use (content types, the
    session) is warm: compare it for a few rows and for many to show a list stays constant."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def english_client(client):
    """The test client asking for pages in English. The default language is active again
    afterwards: a page in English leaves English active in the thread, and the tests that run
    next read Chinese messages."""
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.deactivate()


def at_once(*calls, timeout: float = 60) -> list:
    """Run each call in its own thread, all released at the same moment by a barrier: their
    results, or the exceptions they raised, in the order of `calls`. Each thread closes its
    database connections when done. Fails if a thread is still running after `timeout`
    seconds (a deadlock or a lock never released)."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001  (reported to the test)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not [t for t in threads if t.is_alive()], "a thread is still waiting for a lock"
    return results


def together(count: int, work) -> list:
    """`work(index)` for index 0 to count - 1, all at the same moment (see at_once)."""
    return at_once(*(functools.partial(work, index) for index in range(count)))


def demo_county_with(step, django_db_blocker, tmp_path_factory, people: int = 80):
    """The demo county with one app's demo step only (the other apps' steps have their own
    tests), for a module-scoped fixture: built once in a transaction rolled back at the end,
    each test running in a savepoint inside it. Use as `yield from demo_county_with(...)`."""
    from django.db import transaction
    from django.test import override_settings

    from grassroots.core import registry
    from grassroots.orgs.demo import build_demo

    steps = registry.Registry()
    steps.register(step)
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setattr(registry, "demo_steps", steps)
        build_demo(people=people)
        yield
        transaction.set_rollback(True)
