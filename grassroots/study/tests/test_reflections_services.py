"""Reflections: writing (length, plain text, subject), every review move and the refused ones,
events, notifications, sharing, and the template-copy check hook."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from grassroots.notifications.models import Notification
from grassroots.study.enums import ReflectionStatus
from grassroots.study.models import Reflection, ReflectionEvent
from grassroots.study.services import reflections as services

from .library_factories import (
    MaterialFactory,
    ReflectionFactory,
    long_text,
    member,
    session_expecting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(county, make_user):
    return member(make_user, county.branch1)


@pytest.fixture
def secretary(county, make_user):
    return member(make_user, county.branch1, role="branch_secretary")


def submit(user, **kwargs):
    kwargs.setdefault("title", "学习党章心得")
    kwargs.setdefault("text", long_text())
    return services.reflection_submit(actor=user, **kwargs)


# --- Writing ---------------------------------------------------------------------


def test_submit_stores_plain_text_with_its_length_and_an_event(author):
    raw = "\ufeff" + "学" * 200 + "\r\n\r\n" + "习\x00\x07" * 150 + "e\u0301\u2028 end  "
    reflection = submit(author, text=raw, title="  学习\t心得\x1b ")
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED
    assert reflection.person_id == author.person_id
    assert reflection.submitted_at is not None
    assert "\r" not in reflection.text and "\x00" not in reflection.text
    assert "\x07" not in reflection.text and "\ufeff" not in reflection.text
    assert "\u00e9" in reflection.text  # NFC: e + combining accent is one character
    assert reflection.text.endswith("end")
    assert reflection.title == "学习 心得"
    assert reflection.length == 200 + 150 + 1 + 3
    events = list(reflection.events.all())
    assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("", "submitted", author.pk)
    ]


def test_too_short_is_refused_with_the_count_and_nothing_saved(author):
    with pytest.raises(ValidationError) as caught:
        submit(author, text="学习" * 100 + " " * 500)
    assert "300" in str(caught.value.message_dict["text"]) and "200" in str(
        caught.value.message_dict["text"]
    )
    assert not Reflection.objects.exists() and not ReflectionEvent.objects.exists()


def test_minimum_length_comes_from_the_setting(author, settings):
    settings.STUDY_REFLECTION_MIN_LENGTH = 10
    assert submit(author, text="学习贯彻二十大精神心得").length == 11
    settings.STUDY_REFLECTION_MIN_LENGTH = 500
    with pytest.raises(ValidationError):
        submit(author, text=long_text(499))


def test_too_long_and_blank_title_are_refused(author):
    with pytest.raises(ValidationError) as caught:
        submit(author, text=long_text(services.MAX_LENGTH + 1), title="   ")
    errors = caught.value.message_dict
    assert "title" in errors and "text" in errors
    assert not Reflection.objects.exists()


def test_an_account_without_person_cannot_submit(make_user, county):
    with pytest.raises(ValidationError):
        submit(make_user("member", county.branch1))


def test_reflection_on_a_session_the_author_was_expected_at(author, county, make_user):
    session = session_expecting(author.person)
    assert submit(author, session=session).session_id == session.pk
    stranger = member(make_user, county.branch2)
    other = session_expecting(stranger.person)
    with pytest.raises(ValidationError) as caught:
        submit(author, session=other)
    assert "session" in caught.value.message_dict
    assert Reflection.objects.count() == 1


def test_reflection_on_a_visible_material_only(author, county):
    county_wide = MaterialFactory(organization=county.root)
    other_branch = MaterialFactory(organization=county.branch2)
    assert submit(author, material=county_wide).material_id == county_wide.pk
    with pytest.raises(ValidationError) as caught:
        submit(author, material=other_branch)
    assert "material" in caught.value.message_dict


def test_a_reflection_has_one_subject_at_most(author, county):
    session = session_expecting(author.person)
    material = MaterialFactory(organization=county.root)
    with pytest.raises(ValidationError):
        submit(author, session=session, material=material)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionFactory(person=author.person, session=session, material=material)


# --- Review moves ----------------------------------------------------------------


def test_accept_records_the_reviewer_an_event_and_tells_the_author(
    author, secretary, django_capture_on_commit_callbacks
):
    reflection = submit(author)
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_accept(reflection=reflection, comment="写得扎实", actor=secretary)
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.ACCEPTED
    assert reflection.reviewed_by == secretary and reflection.reviewed_at is not None
    assert reflection.review_comment == "写得扎实"
    last = reflection.events.last()
    assert (last.actor, last.from_status, last.to_status, last.comment) == (
        secretary,
        "submitted",
        "accepted",
        "写得扎实",
    )
    note = Notification.objects.get(recipient=author)
    assert "已通过" in note.title and note.url.endswith(f"/reflections/{reflection.pk}/")


def test_no_notification_before_commit(author, secretary, django_capture_on_commit_callbacks):
    reflection = submit(author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reflection_accept(reflection=reflection, actor=secretary)
    assert not Notification.objects.exists() and len(callbacks) == 1


def test_return_needs_a_comment_then_the_author_corrects_and_resubmits(
    author, secretary, django_capture_on_commit_callbacks
):
    reflection = submit(author)
    with pytest.raises(ValidationError) as caught:
        services.reflection_return(reflection=reflection, comment="  ", actor=secretary)
    assert "comment" in caught.value.message_dict
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED and reflection.events.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_return(reflection=reflection, comment="请结合工作实际", actor=secretary)
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.RETURNED
    assert "请结合工作实际" in Notification.objects.get(recipient=author).body
    first_submitted = reflection.submitted_at
    services.reflection_attach_check(reflection=reflection, status="passed", result={})

    services.reflection_update(
        reflection=reflection, title="修改后的心得", text=long_text(400), actor=author
    )
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED
    assert reflection.title == "修改后的心得" and reflection.length == 400
    assert reflection.submitted_at > first_submitted
    assert reflection.check_status == "" and reflection.check_result is None
    assert [(e.from_status, e.to_status) for e in reflection.events.all()] == [
        ("", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]


def test_submitted_can_be_edited_without_a_move_but_not_after_review(author, secretary):
    reflection = submit(author)
    services.reflection_update(
        reflection=reflection, title="新标题", text=long_text(), actor=author
    )
    assert reflection.events.count() == 1
    services.reflection_accept(reflection=reflection, actor=secretary)
    with pytest.raises(ValidationError):
        services.reflection_update(
            reflection=reflection, title="再改", text=long_text(), actor=author
        )
    reflection.refresh_from_db()
    assert reflection.title == "新标题"


def test_only_the_author_edits(author, secretary):
    reflection = submit(author)
    with pytest.raises(PermissionDenied):
        services.reflection_update(
            reflection=reflection, title="代改", text=long_text(), actor=secretary
        )


def test_excellent_from_submitted_and_from_accepted(author, secretary):
    first = submit(author)
    services.reflection_mark_excellent(reflection=first, actor=secretary)
    first.refresh_from_db()
    assert first.status == ReflectionStatus.EXCELLENT

    second = submit(author)
    services.reflection_accept(reflection=second, actor=secretary)
    services.reflection_mark_excellent(reflection=second, comment="可推荐", actor=secretary)
    second.refresh_from_db()
    assert second.status == ReflectionStatus.EXCELLENT
    assert [e.to_status for e in second.events.all()] == ["submitted", "accepted", "excellent"]


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (ReflectionStatus.RETURNED, services.reflection_mark_excellent),
        (ReflectionStatus.RETURNED, services.reflection_accept),
        (ReflectionStatus.ACCEPTED, services.reflection_accept),
        (ReflectionStatus.EXCELLENT, services.reflection_accept),
        (ReflectionStatus.EXCELLENT, services.reflection_return),
        (ReflectionStatus.ACCEPTED, services.reflection_return),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(author, secretary, start, move):
    reflection = ReflectionFactory(person=author.person, status=start)
    with pytest.raises(ValidationError):
        move(reflection=reflection, comment="意见", actor=secretary)
    reflection.refresh_from_db()
    assert reflection.status == start and reflection.events.count() == 1


def test_a_stale_copy_cannot_move_a_reflection_twice(author, secretary, county, make_user):
    """Two reviewers open the same reflection; the second decision is judged on the row as it is
    now (read under lock), not on the copy the page was built from."""
    reflection = submit(author)
    first_copy = Reflection.objects.get(pk=reflection.pk)
    second_copy = Reflection.objects.get(pk=reflection.pk)
    services.reflection_accept(reflection=first_copy, actor=secretary)
    committee = make_user("committee_admin", county.justice)
    with pytest.raises(ValidationError):
        services.reflection_return(reflection=second_copy, comment="再改改", actor=committee)
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.ACCEPTED
    assert [e.to_status for e in reflection.events.all()] == ["submitted", "accepted"]


def test_nobody_reviews_their_own_reflection(county, make_user):
    secretary = member(make_user, county.branch1, role="branch_secretary")
    own = submit(secretary)
    with pytest.raises(PermissionDenied):
        services.reflection_accept(reflection=own, actor=secretary)
    # The committee above reviews it.
    above = make_user("committee_admin", county.justice)
    services.reflection_accept(reflection=own, actor=above)


def test_a_member_and_the_secretary_of_another_branch_are_refused(author, county, make_user):
    reflection = submit(author)
    colleague = member(make_user, county.branch1)
    other_secretary = member(make_user, county.branch2, role="branch_secretary")
    inspector = make_user("discipline_inspector", county.root)  # sees, does not review
    for actor in (colleague, other_secretary, inspector):
        with pytest.raises(PermissionDenied):
            services.reflection_accept(reflection=reflection, actor=actor)
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED


def test_the_committee_above_reviews_a_branch_reflection(author, county, make_user):
    committee = make_user("committee_admin", county.justice)
    services.reflection_return(reflection=submit(author), comment="补充实例", actor=committee)


# --- Sharing ---------------------------------------------------------------------


def test_only_excellent_is_shared_and_the_author_may_withdraw_it(
    author, secretary, django_capture_on_commit_callbacks
):
    reflection = submit(author)
    services.reflection_accept(reflection=reflection, actor=secretary)
    with pytest.raises(ValidationError):
        services.reflection_set_shared(reflection=reflection, shared=True, actor=secretary)
    services.reflection_mark_excellent(reflection=reflection, actor=secretary)
    with pytest.raises(PermissionDenied):
        services.reflection_set_shared(reflection=reflection, shared=True, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_set_shared(reflection=reflection, shared=True, actor=secretary)
    reflection.refresh_from_db()
    assert reflection.shared
    assert Notification.objects.filter(recipient=author, title__contains="分享").exists()
    services.reflection_set_shared(reflection=reflection, shared=False, actor=author)
    reflection.refresh_from_db()
    assert not reflection.shared


def test_the_database_refuses_sharing_what_is_not_excellent(author):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionFactory(person=author.person, status=ReflectionStatus.ACCEPTED, shared=True)


# --- The template-copy check hook -------------------------------------------------


def test_attach_check_stores_the_outcome(author):
    reflection = submit(author)
    services.reflection_attach_check(
        reflection=reflection,
        status="suspect",
        result={"summary": "与范文高度相似", "similarity": 0.82, "matches": []},
    )
    reflection.refresh_from_db()
    assert reflection.check_status == "suspect"
    assert reflection.check_result["similarity"] == 0.82
    assert reflection.checked_at is not None
    assert reflection.status == ReflectionStatus.SUBMITTED
