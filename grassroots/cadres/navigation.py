"""The cadres entries of the top bar: the officers' program list, the call for everyone
(挂职选派), and one's own secondments (我的挂职, skipped by the menu while its page is missing)."""

from django.utils.translation import gettext_lazy as _

from grassroots.core import navigation

# 挂职锻炼 is a form of cadre training: it sits with 学习培训 until a cadre-work group exists.
GROUP = "study"


def register() -> None:
    for key, label, url_name, icon, order, codename in (
        (
            "cadres.programs",
            _("挂职锻炼"),
            "cadres:program_list",
            "briefcase",
            45,
            "cadres.view_program",
        ),
        ("cadres.calls", _("挂职选派"), "cadres:call_list", "megaphone", 46, None),
        ("cadres.mine", _("我的挂职"), "cadres:my_secondments", "person-badge", 47, None),
    ):
        navigation.register(
            navigation.NavItem(key, label, url_name, icon, order, codename, group=GROUP)
        )
