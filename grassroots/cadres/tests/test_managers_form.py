"""The managers form as the placement page uses it: back to the list it came from (a page of
this site only), the only group of a program chosen already."""

from django.urls import reverse

from grassroots.cadres.enums import SecondmentStatus
from grassroots.cadres.models import CadreGroup
from grassroots.cadres.tests import builders


def _confirmed(county):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    secondment = placed.secondment
    secondment.group = None
    secondment.save(update_fields=["group"])
    return placed, secondment


def test_saving_returns_to_the_placement_list(client, county):
    placed, secondment = _confirmed(county)
    client.force_login(builders.officer(county))
    back = reverse("cadres:program_placement", args=[secondment.program_id])
    url = reverse("cadres:secondment_managers", args=[secondment.pk]) + f"?next={back}"

    form = client.get(url).content.decode()
    group = CadreGroup.objects.get(program=secondment.program)
    assert f'value="{group.pk}" selected' in form  # the program's only group

    response = client.post(url, {"host_leader": placed.host_leader.pk, "group": group.pk})
    assert response.status_code == 302 and response["Location"] == back
    secondment.refresh_from_db()
    assert secondment.group_id == group.pk


def test_a_next_of_another_site_is_ignored(client, county):
    placed, secondment = _confirmed(county)
    client.force_login(builders.officer(county))
    group = CadreGroup.objects.get(program=secondment.program)
    url = reverse("cadres:secondment_managers", args=[secondment.pk])
    response = client.post(
        url + "?next=https://evil.example/",
        {"host_leader": placed.host_leader.pk, "group": group.pk},
    )
    assert response["Location"] == reverse("cadres:secondment_detail", args=[secondment.pk])
