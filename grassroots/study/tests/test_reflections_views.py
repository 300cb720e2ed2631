"""Reflection pages: who sees which reflection, writing and correcting through the form, the
review actions, the queue, the shared excellent list, query budgets, the person panel and the
home counter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.study.enums import ReflectionStatus
from grassroots.study.models import Reflection
from grassroots.study.selectors.reflections import (
    review_queue,
    shared_excellent,
    visible_reflections,
)
from grassroots.study.services import reflections as services

from .library_factories import MaterialFactory, ReflectionFactory, long_text, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county, make_user):
    return {
        "author": member(make_user, county.branch1),
        "colleague": member(make_user, county.branch1),
        "secretary": member(make_user, county.branch1, role="branch_secretary"),
        "other_secretary": member(make_user, county.branch2, role="branch_secretary"),
        "committee": make_user("committee_admin", county.justice),
        "town": member(make_user, county.community),
    }


def detail_url(reflection):
    return reverse("study:reflection_detail", args=[reflection.pk])


# --- Who sees what -----------------------------------------------------------------


def test_scoping_of_reflections(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    allowed = ("author", "secretary", "committee")
    refused = ("colleague", "other_secretary", "town")
    for name in allowed + refused:
        user = people[name]
        assert (reflection in visible_reflections(user)) == (name in allowed), name
        client.force_login(user)
        expected = 200 if name in allowed else 404
        assert client.get(detail_url(reflection)).status_code == expected, name


def test_shared_excellent_reaches_the_authors_organization_and_below(county, make_user, people):
    author = people["author"].person
    branch_best = ReflectionFactory(person=author, status="excellent", shared=True)
    ReflectionFactory(person=author, status="excellent", shared=False)
    general_branch_author = member(make_user, county.justice).person
    justice_best = ReflectionFactory(person=general_branch_author, status="excellent", shared=True)
    for name, expected in [
        ("colleague", {branch_best, justice_best}),
        ("other_secretary", {justice_best}),  # branch2 is below justice, beside branch1
        ("town", set()),
        ("committee", {branch_best, justice_best}),
    ]:
        assert set(shared_excellent(people[name])) == expected, name
    assert branch_best in visible_reflections(people["colleague"])


def test_review_queue_is_oldest_first_without_own_and_filters(county, make_user, people):
    now = timezone.now()
    old = ReflectionFactory(person=people["author"].person, submitted_at=now - timedelta(days=9))
    new = ReflectionFactory(person=people["colleague"].person, submitted_at=now)
    ReflectionFactory(person=people["secretary"].person)  # the secretary's own
    ReflectionFactory(person=people["other_secretary"].person)  # another branch
    accepted = ReflectionFactory(person=people["author"].person, status="accepted")
    secretary = people["secretary"]
    assert list(review_queue(secretary, status="submitted")) == [old, new]
    assert list(review_queue(secretary, status="accepted")) == [accepted]
    committee = people["committee"]
    assert len(review_queue(committee, status="submitted")) == 4
    assert len(review_queue(committee, status="submitted", organization=county.branch2)) == 1


# --- Writing through the pages --------------------------------------------------------


def test_write_form_has_the_live_counter(client, people, settings):
    settings.STUDY_REFLECTION_MIN_LENGTH = 350
    client.force_login(people["author"])
    body = client.get(reverse("study:reflection_create")).content.decode()
    assert 'data-min-length="350"' in body and 'data-counter="reflection-counter"' in body
    assert "study/reflection-counter.js" in body and "onclick" not in body


def test_a_short_text_is_shown_back_with_the_count_and_nothing_saved(client, people):
    client.force_login(people["author"])
    response = client.post(reverse("study:reflection_create"), {"title": "心得", "text": "太短了"})
    assert response.status_code == 200
    assert "目前 3 字" in response.content.decode()
    assert not Reflection.objects.exists()


def test_write_on_a_material_from_its_page(client, county, people):
    material = MaterialFactory(organization=county.root, title="党章")
    client.force_login(people["author"])
    url = reverse("study:reflection_create") + f"?material={material.pk}"
    page = client.get(url)
    assert "《党章》" in page.content.decode()
    response = client.post(
        url, {"title": "学习党章心得", "text": long_text(), "material": material.pk}
    )
    reflection = Reflection.objects.get()
    assert response.status_code == 302 and response.url == detail_url(reflection)
    assert reflection.material == material and reflection.length == 320


def test_an_account_without_person_is_told_it_cannot_write(client, county, make_user):
    client.force_login(make_user("member", county.branch1))
    response = client.get(reverse("study:reflection_create"))
    assert response.status_code == 302
    response = client.get(reverse("study:my_reflections"))
    assert "未关联人员信息" in response.content.decode()


def test_the_author_corrects_a_returned_reflection(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    services.reflection_return(
        reflection=reflection, comment="请补充实例", actor=people["secretary"]
    )
    client.force_login(people["author"])
    edit = reverse("study:reflection_edit", args=[reflection.pk])
    assert "请补充实例" in client.get(edit).content.decode()
    response = client.post(edit, {"title": "补充后的心得", "text": long_text(360)})
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED and reflection.length == 360
    # Others cannot open the edit page; a reviewed one goes back to its page.
    client.force_login(people["secretary"])
    assert client.get(edit).status_code == 404
    services.reflection_accept(reflection=reflection, actor=people["secretary"])
    client.force_login(people["author"])
    assert client.get(edit).status_code == 302


# --- Review through the pages -----------------------------------------------------------


def test_secretary_reviews_from_the_detail_page(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    client.force_login(people["secretary"])
    page = client.get(detail_url(reflection)).content.decode()
    assert 'value="accepted"' in page and 'value="returned"' in page and 'value="excellent"' in page
    review = reverse("study:reflection_review", args=[reflection.pk])
    response = client.post(review, {"action": "returned", "comment": ""})
    assert response.status_code == 400 and "退回时请填写修改意见" in response.content.decode()
    response = client.post(review, {"action": "accepted", "comment": "好"})
    assert response.status_code == 302
    page = client.get(detail_url(reflection)).content.decode()
    assert 'value="excellent"' in page and 'value="accepted"' not in page
    assert "审阅通过" in page  # the timeline


def test_the_author_sees_no_review_actions_and_cannot_post_them(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    client.force_login(people["author"])
    assert 'data-testid="review-form"' not in client.get(detail_url(reflection)).content.decode()
    response = client.post(
        reverse("study:reflection_review", args=[reflection.pk]), {"action": "accepted"}
    )
    assert response.status_code == 403
    client.force_login(people["other_secretary"])
    response = client.post(
        reverse("study:reflection_review", args=[reflection.pk]), {"action": "accepted"}
    )
    assert response.status_code == 404


def test_share_from_the_detail_page(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    services.reflection_mark_excellent(reflection=reflection, actor=people["secretary"])
    client.force_login(people["secretary"])
    client.post(reverse("study:reflection_share", args=[reflection.pk]), {"shared": "1"})
    reflection.refresh_from_db()
    assert reflection.shared
    client.force_login(people["colleague"])
    listed = client.get(reverse("study:reflection_excellent"))
    assert reflection in listed.context["page_obj"]


def test_detail_shows_the_check_result_when_present(client, people):
    reflection = ReflectionFactory(person=people["author"].person)
    client.force_login(people["secretary"])
    assert (
        'data-testid="reflection-check"' not in client.get(detail_url(reflection)).content.decode()
    )
    services.reflection_attach_check(
        reflection=reflection,
        status="suspect",
        result={
            "summary": "与范文高度相似",
            "similarity": 0.8,
            "matches": [{"source": "范文一", "similarity": 0.8}],
        },
    )
    page = client.get(detail_url(reflection)).content.decode()
    assert "与范文高度相似" in page and "80%" in page and "范文一" in page


# --- Lists and budgets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "who", "budget"),
    [
        ("study:my_reflections", "author", 12),
        ("study:reflection_queue", "secretary", 16),
        ("study:reflection_excellent", "colleague", 12),
    ],
)
def test_lists_answer_in_constant_queries(
    client, people, url_name, who, budget, django_assert_max_num_queries
):
    material = MaterialFactory(organization=people["author"].person.primary_org)

    def add(n):
        for i in range(n):
            ReflectionFactory(
                person=people["author"].person,
                status="excellent",
                shared=True,
                material=material if i % 2 else None,
            )
            ReflectionFactory(person=people["author"].person)

    add(2)
    client.force_login(people[who])
    url = reverse(url_name)
    client.get(url)
    with django_assert_max_num_queries(budget) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["page_obj"]) >= 20


def test_queue_is_for_reviewers_and_marks_overdue(client, people):
    client.force_login(people["author"])
    assert client.get(reverse("study:reflection_queue")).status_code == 403
    ReflectionFactory(
        person=people["author"].person, submitted_at=timezone.now() - timedelta(days=30)
    )
    ReflectionFactory(person=people["colleague"].person)
    client.force_login(people["secretary"])
    body = client.get(reverse("study:reflection_queue")).content.decode()
    assert body.count('data-testid="overdue"') == 1


# --- Contributions to other pages ---------------------------------------------------------


def _request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def test_person_panel_for_those_who_may_see(rf, people):
    """The panel the person page gathers (core.registry.person_panels)."""
    from grassroots.core.registry import person_panels

    panel = next(p for p in person_panels.items() if p.key == "study.reflections")
    author = people["author"]
    assert panel.render(_request(rf, author), author.person) is None  # nothing written yet
    ReflectionFactory(person=author.person, title="我的第一篇心得")
    for name in ("author", "secretary", "committee"):
        assert "我的第一篇心得" in panel.render(_request(rf, people[name]), author.person), name
    for name in ("colleague", "other_secretary"):
        assert panel.render(_request(rf, people[name]), author.person) is None, name


def test_home_counter_for_reviewers_and_returned_authors(rf, people):
    """The counter the home page gathers (core.registry.home_counters)."""
    from grassroots.core.registry import home_counters

    counter = next(c for c in home_counters.items() if c.key == "study.reflections_waiting")
    reflection = ReflectionFactory(person=people["author"].person)
    waiting = counter.compute(_request(rf, people["secretary"]))
    assert waiting["label"] == "待审阅心得" and waiting["value"] == 1
    assert waiting["url"] == reverse("study:reflection_queue")
    assert counter.compute(_request(rf, people["author"])) is None
    services.reflection_return(reflection=reflection, comment="改", actor=people["secretary"])
    returned = counter.compute(_request(rf, people["author"]))
    assert returned["label"] == "退回待修改的心得" and returned["value"] == 1
