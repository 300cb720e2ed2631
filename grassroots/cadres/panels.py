"""What the cadres app adds to a person's page: their secondments on record (挂职经历), with
program, host, post, term, result and commendation, for the person and the officers who may see
the programs."""

from django.template.loader import render_to_string

from grassroots.core.registry import Panel, person_panels


def _secondments_panel(request, person):
    from .selectors.archive import person_secondments

    if not request.user.is_authenticated:
        return None
    secondments = person_secondments(request.user, person)
    if not secondments:
        return None
    return render_to_string(
        "cadres/archive/_person_panel.html",
        {"secondments": secondments, "person": person},
        request=request,
    )


def register() -> None:
    person_panels.register(Panel("cadres.secondments", 60, _secondments_panel))
