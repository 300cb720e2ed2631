"""The cadres entries of the top bar (干部工作): the officers' program list and archive, the call
for everyone (挂职选派), and one's own secondments (我的挂职)."""

from django.utils.translation import gettext_lazy as _

from grassroots.core import navigation

GROUP = "cadres"


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
        (
            "cadres.archive",
            _("挂职档案"),
            "cadres:archive",
            "archive",
            48,
            "cadres.view_program",
        ),
    ):
        navigation.register(
            navigation.NavItem(key, label, url_name, icon, order, codename, group=GROUP)
        )
