"""The evaluation engine's entry in the top bar. `EvaluationsConfig.ready()` calls
`register()`."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from grassroots.core import navigation

    for key, label, url_name, icon, order, codename in (
        (
            "evaluations",
            _("民主测评"),
            "evaluations:campaign_list",
            "ui-checks",
            55,
            "evaluations.view_campaign",
        ),
        ("evaluations.mine", _("我的测评"), "evaluations:my_campaigns", "pencil-square", 56, None),
    ):
        navigation.register(
            navigation.NavItem(key, label, url_name, icon, order, codename, group="cadres")
        )
