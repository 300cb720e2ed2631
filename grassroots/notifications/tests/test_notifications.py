"""The inbox, deliveries by the channels a user chose, and reminders sent once on working days."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from grassroots.notifications import reminders, services
from grassroots.notifications.models import Delivery, DeliveryStatus, Notification, SentReminder
from grassroots.notifications.sms import backends as sms


@pytest.fixture
def member(make_user):
    return make_user(None, None, email="li@example.cn", mobile="13800138000")


@pytest.fixture
def other(make_user):
    return make_user(None, None)


def test_notify_puts_one_message_in_each_inbox_once(member, other):
    created = services.notify(
        recipients=[member, other, member], kind="test", title="学习通知", url="/study/"
    )
    assert len(created) == 2
    assert Notification.objects.filter(recipient=member).count() == 1
    assert mail.outbox == [] and sms.outbox == []  # nobody chose another channel


def test_inactive_users_get_nothing(member):
    member.is_active = False
    member.save()
    assert services.notify(recipients=[member], kind="test", title="x") == []


def test_email_and_sms_follow_for_those_who_chose_them(
    member, other, django_capture_on_commit_callbacks
):
    services.preference_update(user=member, email=True, sms=True, actor=member)
    services.preference_update(user=other, email=True, sms=True, actor=other)  # no address
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[member, other], kind="test", title="明天学习", body="请准时参加"
        )
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert mail.outbox[0].subject == "明天学习"
    assert "请准时参加" in mail.outbox[0].body
    assert [m.to for m in sms.outbox] == ["13800138000"]
    assert "明天学习" in sms.outbox[0].text
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("email", DeliveryStatus.SENT),
        ("sms", DeliveryStatus.SENT),
    }


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(
    member, django_capture_on_commit_callbacks
):
    from grassroots.notifications.delivery import deliver_notifications

    services.preference_update(user=member, email=True, sms=False, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = services.notify(recipients=[member], kind="test", title="一次")
    assert deliver_notifications([n.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_recorded(member, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "grassroots.notifications.tests.failing.FailingBackend"
    services.preference_update(user=member, email=True, sms=False, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[member], kind="test", title="失败")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "refused" in delivery.error
    assert Notification.objects.filter(recipient=member).count() == 1  # the inbox still has it


def test_a_reminder_goes_out_once_per_key(member):
    assert services.remind_once(key="k:1", recipients=[member], kind="r", title="提醒")
    assert not services.remind_once(key="k:1", recipients=[member], kind="r", title="提醒")
    assert Notification.objects.filter(recipient=member).count() == 1
    assert SentReminder.objects.filter(key="k:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_reminder_send_it_once(make_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs a server database")
    user = make_user(None, None)
    barrier = threading.Barrier(2)
    results = []

    def send():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(
                services.remind_once(key="race", recipients=[user], kind="r", title="并发")
            )
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert Notification.objects.filter(recipient=user).count() == 1


@pytest.fixture
def job_log():
    calls = []

    @reminders.register("test.job")
    def job(today):
        calls.append(today)
        return 1

    yield calls
    reminders._jobs.pop("test.job", None)


def test_reminders_wait_for_a_working_day(db, job_log):
    assert reminders.run_due(date(2026, 10, 1)) == {}  # National Day
    assert reminders.run_due(date(2026, 10, 4)) == {}  # a Sunday in the holiday
    assert reminders.run_due(date(2026, 10, 8))["test.job"] == 1
    assert job_log == [date(2026, 10, 8)]


def test_a_failing_job_does_not_stop_the_others(db, job_log):
    @reminders.register("test.broken")
    def broken(today):
        raise RuntimeError("boom")

    try:
        result = reminders.run_due(date(2026, 11, 25))
    finally:
        reminders._jobs.pop("test.broken", None)
    assert result["test.broken"] == 0
    assert result["test.job"] == 1


def test_the_periodic_task_runs_the_jobs(db, job_log, monkeypatch):
    from django.utils import timezone

    from grassroots.notifications.tasks import daily_reminders

    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 25))
    daily_reminders.call_local()
    assert job_log == [date(2026, 11, 25)]


# --- Pages ----------------------------------------------------------------------


def test_inbox_shows_only_my_messages_and_the_unread_count(client, member, other):
    services.notify(recipients=[member], kind="t", title="给我的消息")
    services.notify(recipients=[other], kind="t", title="别人的消息")
    client.force_login(member)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "给我的消息" in html
    assert "别人的消息" not in html
    assert 'data-testid="inbox-unread">1<' in html


def test_opening_a_message_marks_it_read_and_follows_its_link(client, member):
    (n,) = services.notify(recipients=[member], kind="t", title="去学习", url="/study/")
    client.force_login(member)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == "/study/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_outside_link_is_not_followed(client, member):
    (n,) = services.notify(recipients=[member], kind="t", title="x", url="https://evil.example/")
    client.force_login(member)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.url == reverse("notifications:inbox")


def test_someone_elses_message_is_not_found(client, member, other):
    (n,) = services.notify(recipients=[other], kind="t", title="x")
    client.force_login(member)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_mine(client, member, other):
    services.notify(recipients=[member, other], kind="t", title="x")
    client.force_login(member)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_inbox_query_budget(client, member, django_assert_max_num_queries):
    client.force_login(member)
    services.notify(recipients=[member], kind="t", title="x")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:inbox"))
    for i in range(30):
        services.notify(recipients=[member], kind="t", title=f"x{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_channel_preferences(client, member, make_user):
    client.force_login(member)
    response = client.post(reverse("notifications:preferences"), {"email": "on", "sms": "on"})
    assert response.status_code == 302
    pref = member.notification_preference
    assert pref.email and pref.sms
    # Without an email address, the choice cannot be made.
    bare = make_user(None, None, email="")
    client.force_login(bare)
    client.post(reverse("notifications:preferences"), {"email": "on"})
    bare.refresh_from_db()
    assert not bare.notification_preference.email


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "login" in response.url


def test_an_sms_backend_must_send():
    from grassroots.notifications.sms.backends import BaseSmsBackend

    class Incomplete(BaseSmsBackend):
        pass

    with pytest.raises(TypeError):
        Incomplete()
