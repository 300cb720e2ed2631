"""manage.py demo: load the demo county (某某县委, about 500 people, one login per built-in role)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.orgs.demo import DEMO_PEOPLE, DEMO_SEED, DEMO_USERNAMES, build_demo
from grassroots.orgs.enums import PoliticalStatus
from grassroots.orgs.models import Organization


class Command(BaseCommand):
    help = "Load a demo county with people and one login per built-in role into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any organization exists already.",
        )
        parser.add_argument(
            "--people", type=int, default=DEMO_PEOPLE, help="About how many people (default 500)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEMO_SEED,
            help="Random seed; the same seed gives the same county.",
        )

    def handle(self, *args, if_empty=False, people=DEMO_PEOPLE, seed=DEMO_SEED, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write(_("已有组织数据，跳过演示数据。"))
                return
            raise CommandError(_("数据库中已有组织，演示数据只能装入空数据库。"))
        taken = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                _("账号 %(names)s 已存在，无法创建演示账号。") % {"names": ", ".join(taken)}
            )
        if not 60 <= people <= 50_000:
            raise CommandError(_("人数应在 60 到 50000 之间。"))
        try:
            summary = build_demo(people=people, seed=seed)
        except ModuleNotFoundError as exc:
            if exc.name != "faker":
                raise
            raise CommandError(_("演示数据需要开发依赖 Faker：pip install -e '.[dev]'")) from None
        statuses = dict(PoliticalStatus.choices)
        mix = "，".join(
            f"{statuses[s]} {n}"
            for s, n in sorted(summary.by_status.items(), key=lambda item: -item[1])
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已生成演示数据：%(orgs)d 个组织，%(people)d 名人员（%(mix)s），%(users)d 个演示账号，用时 %(sec).1f 秒。"
                )
                % {
                    "orgs": summary.organizations,
                    "people": summary.people,
                    "mix": mix,
                    "users": len(summary.users),
                    "sec": summary.seconds,
                }
            )
        )
        self.stdout.write(_("运行 manage.py demo_logins 查看演示账号。"))
