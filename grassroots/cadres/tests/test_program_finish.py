"""结束批次: a running program ends once no cadre is still under way, by a manager only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.cadres.enums import ProgramStatus, SecondmentStatus
from grassroots.cadres.models import Program
from grassroots.cadres.services.programs import program_finish
from grassroots.cadres.tests import builders


def test_finish_refused_while_a_cadre_is_placed_then_allowed(county):
    officer = builders.officer(county)
    placed = builders.secondment(county)
    program = placed.secondment.program
    with pytest.raises(ValidationError, match="还有 1 名挂职干部未期满"):
        program_finish(program=program, actor=officer)
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.RUNNING

    placed.secondment.status = SecondmentStatus.COMPLETED
    placed.secondment.save(update_fields=["status"])
    program_finish(program=program, actor=officer)
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.FINISHED
    with pytest.raises(ValidationError):  # not twice
        program_finish(program=Program.objects.get(pk=program.pk), actor=officer)


def test_finish_refused_to_a_viewer_and_a_cadre(county, make_user):
    placed = builders.secondment(county, status=SecondmentStatus.COMPLETED)
    program = placed.secondment.program
    viewer = make_user("committee_admin", county.root)  # cadres.view_program only
    with pytest.raises(PermissionDenied):
        program_finish(program=program, actor=viewer)
    with pytest.raises(PermissionDenied):
        program_finish(program=program, actor=placed.cadre_user)
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.RUNNING


def test_finish_button_on_the_program_page(client, county):
    officer = builders.officer(county)
    placed = builders.secondment(county, status=SecondmentStatus.ARCHIVED)
    program = placed.secondment.program
    client.force_login(officer)
    page = client.get(reverse("cadres:program_detail", args=[program.pk])).content.decode()
    assert 'data-testid="finish-program"' in page
    response = client.post(reverse("cadres:program_finish", args=[program.pk]))
    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.FINISHED
