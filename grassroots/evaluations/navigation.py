"""The evaluation engine's entry in the top bar. `EvaluationsConfig.ready()` calls
`register()`."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from grassroots.core import navigation

    navigation.register(
        navigation.NavItem(
            "evaluations",
            _("民主测评"),
            "evaluations:campaign_list",
            "ui-checks",
            66,
            "evaluations.view_campaign",
            group="life",
        )
    )
