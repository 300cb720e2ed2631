"""Pairings (结对共建): who may write them, bad input with nothing saved, the overlap refusal,
who sees them from either side, and joint activities counted per quarter in local time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.meetings.models import Activity, Pairing
from grassroots.meetings.selectors import pairings as selectors
from grassroots.meetings.services import pairings as services
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(county):
    return {
        "dept": PersonFactory(primary_org=county.dept),
        "community": PersonFactory(primary_org=county.community),
        "branch1": PersonFactory(primary_org=county.branch1),
    }


@pytest.fixture
def officer(county, make_user):
    """A committee admin of the organization department: manages its pairings."""
    return make_user("committee_admin", county.dept)


def values(county, people, **overrides):
    data = {
        "kind": "cobuild",
        "unit": county.dept,
        "partner": county.community,
        "unit_contact": people["dept"],
        "partner_contact": people["community"],
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 12, 31),
        "goals": "  共建党建阵地  ",
    }
    data.update(overrides)
    return data


def make_pairing(county, people, actor, **overrides) -> Pairing:
    return services.pairing_create(actor=actor, **values(county, people, **overrides))


def joint_activity(pairing, starts_at, status="held", **extra) -> Activity:
    return Activity.objects.create(
        organization=pairing.unit,
        kind="volunteer",
        title=extra.pop("title", "共建志愿服务"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        signup_deadline=starts_at - timedelta(days=1),
        place="东街社区",
        pairing=pairing,
        status=status,
        **extra,
    )


# --- Services -------------------------------------------------------------------------------


def test_a_manager_of_the_unit_creates_a_pairing(county, people, officer):
    pairing = make_pairing(county, people, officer)
    assert pairing.pk and pairing.created_by == officer
    assert pairing.goals == "共建党建阵地"
    assert pairing.partner == county.community


@pytest.mark.parametrize("role, where", [("branch_secretary", "community"), (None, None)])
def test_others_may_not_create_for_the_unit(county, people, make_user, role, where):
    actor = make_user(role, getattr(county, where) if where else None)
    with pytest.raises(PermissionDenied):
        make_pairing(county, people, actor)
    assert not Pairing.objects.exists()


def test_a_committee_admin_elsewhere_is_refused(county, people, make_user):
    actor = make_user("committee_admin", county.town)  # the partner's side, not the unit's
    with pytest.raises(PermissionDenied):
        make_pairing(county, people, actor)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"partner": "dept"}, "partner"),
        ({"ends_on": date(2025, 12, 31)}, "ends_on"),
        ({"ends_on": date(2026, 1, 1)}, "ends_on"),
        ({"unit_contact": "community"}, "unit_contact"),
        ({"partner_contact": "branch1"}, "partner_contact"),
        ({"kind": "other"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(county, people, officer, overrides, field):
    resolved = {}
    for key, value in overrides.items():
        if key == "partner":
            resolved[key] = getattr(county, value)
        elif key.endswith("_contact"):
            resolved[key] = people[value]
        else:
            resolved[key] = value
    with pytest.raises(ValidationError) as exc:
        make_pairing(county, people, officer, **resolved)
    assert field in exc.value.message_dict
    assert not Pairing.objects.exists()


def test_a_contact_who_left_is_refused(county, people, officer):
    people["community"].status = PersonStatus.LEFT
    people["community"].save(update_fields=["status"])
    with pytest.raises(ValidationError) as exc:
        make_pairing(county, people, officer)
    assert "不在册" in exc.value.message_dict["partner_contact"][0]


def test_a_contact_of_a_lower_organization_of_the_side_is_accepted(county, people, officer):
    person = PersonFactory(primary_org=county.community)
    pairing = make_pairing(county, people, officer, partner=county.town, partner_contact=person)
    assert pairing.partner == county.town


def test_an_overlapping_pairing_of_the_same_sides_is_refused(county, people, officer):
    make_pairing(county, people, officer, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    with pytest.raises(ValidationError) as exc:
        make_pairing(
            county, people, officer, starts_on=date(2026, 12, 31), ends_on=date(2027, 12, 31)
        )
    message = exc.value.message_dict["starts_on"][0]
    assert "2026-01-01 至 2026-12-31" in message and "不能重叠" in message
    assert Pairing.objects.count() == 1
    # The next term after it, or another partner at the same time, is fine.
    make_pairing(county, people, officer, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    other = PersonFactory(primary_org=county.branch1)
    make_pairing(county, people, officer, partner=county.branch1, partner_contact=other)
    assert Pairing.objects.count() == 3


def test_an_early_end_frees_the_rest_of_the_term(county, people, officer):
    first = make_pairing(
        county, people, officer, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    services.pairing_end_early(pairing=first, ended_on=date(2026, 6, 30), actor=officer)
    second = make_pairing(
        county, people, officer, starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30)
    )
    assert second.pk


def test_updating_keeps_the_overlap_rule_and_ignores_itself(county, people, officer):
    first = make_pairing(
        county, people, officer, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
    )
    second = make_pairing(
        county, people, officer, starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31)
    )
    services.pairing_update(pairing=first, actor=officer, goals="新的内容")
    with pytest.raises(ValidationError):
        services.pairing_update(pairing=second, actor=officer, starts_on=date(2026, 6, 1))
    second.refresh_from_db()
    assert second.starts_on == date(2026, 7, 1)


def test_the_partner_side_may_not_update_or_end(county, people, officer, make_user):
    pairing = make_pairing(county, people, officer)
    secretary = make_user("branch_secretary", county.community)
    with pytest.raises(PermissionDenied):
        services.pairing_update(pairing=pairing, actor=secretary, goals="改")
    with pytest.raises(PermissionDenied):
        services.pairing_end_early(pairing=pairing, ended_on=date(2026, 5, 1), actor=secretary)


def test_ending_early_checks_the_date_and_happens_once(county, people, officer):
    pairing = make_pairing(county, people, officer)
    for bad in (date(2025, 12, 31), date(2027, 12, 31), date(2028, 1, 1)):
        with pytest.raises(ValidationError):
            services.pairing_end_early(pairing=pairing, ended_on=bad, actor=officer)
    services.pairing_end_early(pairing=pairing, ended_on=date(2026, 9, 30), actor=officer)
    pairing.refresh_from_db()
    assert pairing.ended_early_on == date(2026, 9, 30)
    with pytest.raises(ValidationError):
        services.pairing_end_early(pairing=pairing, ended_on=date(2026, 10, 30), actor=officer)


# --- Selectors ------------------------------------------------------------------------------


def test_both_sides_see_it_and_others_do_not(county, people, officer, make_user):
    pairing = make_pairing(county, people, officer)
    partner_secretary = make_user("branch_secretary", county.community)
    unrelated = make_user("branch_secretary", county.branch1)
    inspector = make_user("discipline_inspector", county.root)
    member = make_user()
    assert list(selectors.pairings_for(officer)) == [pairing]
    assert list(selectors.pairings_for(partner_secretary)) == [pairing]
    assert list(selectors.pairings_for(inspector)) == [pairing]  # root scope: no duplicates
    assert list(selectors.pairings_for(unrelated)) == []
    assert list(selectors.pairings_for(member)) == []
    assert selectors.access_pairing(partner_secretary, pairing.pk) == pairing
    assert not selectors.may_manage(partner_secretary, pairing)
    assert selectors.may_manage(officer, pairing)
    with pytest.raises(Http404):
        selectors.access_pairing(unrelated, pairing.pk)


def test_a_user_with_both_sides_gets_one_row(county, people, officer, make_user):
    pairing = make_pairing(county, people, officer)
    both = make_user("branch_secretary", county.community)
    from grassroots.core.testing import grant

    grant(both, "committee_admin", county.dept)
    assert list(selectors.pairings_for(both)) == [pairing]


def test_joint_activities_are_counted_per_local_quarter(county, people, officer):
    pairing = make_pairing(county, people, officer)
    # 23:30 on 31 March in Shanghai is 15:30 UTC: still the first quarter.
    joint_activity(pairing, datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI))
    joint_activity(pairing, datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI))
    joint_activity(pairing, datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI), status="cancelled")
    joint_activity(pairing, datetime(2026, 8, 1, 9, 0, tzinfo=SHANGHAI), status="open")
    joint_activity(pairing, datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI))  # the year before
    today = date(2026, 11, 25)
    flt = selectors.PairingFilter(year=2026)
    [row] = selectors.pairing_list(officer, flt, today)
    assert (row.q1, row.q2, row.q3, row.q4) == (1, 1, 0, 0)
    cells = selectors.quarter_cells(row, 2026, today)
    assert [c.state for c in cells] == ["ok", "ok", "missing", "due"]


def test_quarters_outside_the_term_do_not_stand_out(county, people, officer):
    pairing = make_pairing(
        county, people, officer, starts_on=date(2026, 7, 15), ends_on=date(2027, 7, 14)
    )
    [row] = selectors.pairing_list(officer, selectors.PairingFilter(year=2026), date(2026, 8, 1))
    states = [c.state for c in selectors.quarter_cells(row, 2026, date(2026, 8, 1))]
    assert states == ["na", "na", "due", "future"]
    assert row.pk == pairing.pk


def test_filters_of_the_list(county, people, officer):
    today = date(2026, 11, 25)
    busy = make_pairing(county, people, officer)
    joint_activity(busy, datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI))
    idle = make_pairing(
        county,
        people,
        officer,
        kind="contact",
        partner=county.branch1,
        partner_contact=people["branch1"],
    )
    ended = make_pairing(
        county,
        people,
        officer,
        partner=county.branch2,
        partner_contact=PersonFactory(primary_org=county.branch2),
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 3, 31),
    )

    def ids(**kwargs):
        flt = selectors.PairingFilter(year=kwargs.pop("year", 2026), **kwargs)
        return {p.pk for p in selectors.pairing_list(officer, flt, today)}

    assert ids() == {busy.pk, idle.pk, ended.pk}
    assert ids(kind="contact") == {idle.pk}
    assert ids(state="active") == {busy.pk, idle.pk}
    assert ids(state="ended") == {ended.pk}
    assert ids(idle=True) == {idle.pk}
    assert ids(organization=county.justice) == {idle.pk, ended.pk}
    assert ids(year=2028) == set()
