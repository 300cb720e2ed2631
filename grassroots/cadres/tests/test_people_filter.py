"""有挂职经历 on the people list: people with a secondment on a post, completed or archived."""

from grassroots.cadres.enums import SecondmentStatus
from grassroots.cadres.tests import builders


def test_people_list_finds_people_with_a_secondment(county, client):
    officer = builders.officer(county)
    placed = builders.secondment(county, status=SecondmentStatus.ARCHIVED)
    matched = builders.secondment(county, status=SecondmentStatus.MATCHED)
    client.force_login(officer)

    page = client.get(
        "/orgs/people/", {"experience": "cadres.seconded", "org": county.root.pk, "status": ""}
    )

    body = page.content.decode()
    assert "有挂职经历" in body
    assert f"/orgs/people/{placed.cadre.pk}/" in body
    # Matched only: not yet an experience.
    assert f"/orgs/people/{matched.cadre.pk}/" not in body
    assert "共 1 人" in body
