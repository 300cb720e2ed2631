"""The demo county (演示数据) and the generators of believable people it shares with the benchmark.

`build_demo()` creates a county through the services, so the demo data pass the same checks
as data entered by hand. `PersonMaker` produces the people:
zh_CN names, unique mobiles, ID numbers whose GB 11643 check digit, birth date and gender agree,
and a political status, education and title that fit the kind of unit they work in. A fixed
seed and a fixed reference date make every run produce the same county.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from grassroots.core.validators import id_check_digit

from .enums import Education, Ethnicity, Gender, PoliticalStatus, Rank

# Not a secret: demo_logins prints it, and the README says to change it.
DEMO_PASSWORD = "Grassroots@2026"
DEMO_SEED = 2026
DEMO_PEOPLE = 500
ROOT_CODE = "CTY001"
# Dates are drawn relative to this day (or today, if earlier), so that reruns are identical.
REFERENCE_DATE = date(2026, 7, 1)

# Region codes (the first six digits of an ID number) of one prefecture, as in a real roster.
ID_REGIONS = ("320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115")
_MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()


def make_id_number(
    birth: date, gender: str, rng: random.Random | None = None, region: str | None = None
) -> str:
    """An 18-digit citizen ID number (GB 11643) encoding the birth date and gender."""
    rng = rng or random
    # The 17th digit is odd for men, even for women.
    seq = rng.randint(0, 49) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{region or rng.choice(ID_REGIONS)}{birth:%Y%m%d}{rng.randint(0, 9)}{seq:02d}"
    return first17 + id_check_digit(first17)


def make_mobile(rng: random.Random | None = None) -> str:
    rng = rng or random
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def reference_date() -> date:
    return min(REFERENCE_DATE, timezone.localdate())


# --- People -------------------------------------------------------------------

P, PR, LM, DP, NP, MA = (
    PoliticalStatus.PARTY_MEMBER,
    PoliticalStatus.PROBATIONARY,
    PoliticalStatus.LEAGUE_MEMBER,
    PoliticalStatus.DEMOCRATIC_PARTY,
    PoliticalStatus.NON_PARTY,
    PoliticalStatus.MASSES,
)
E = Education


@dataclass(frozen=True)
class Profile:
    """What the people of one kind of unit look like."""

    ages: tuple[int, int]
    statuses: dict[str, int]
    education: dict[str, int]
    titles: tuple[tuple[str, str, int], ...]  # (title, rank, weight)


_PARTY_BRANCH = {P: 86, PR: 6, LM: 4, MA: 3, DP: 1}
_ORGAN_TITLES = (
    ("科员", Rank.CLERK_LEVEL1, 36),
    ("一级科员", Rank.CLERK_LEVEL1, 14),
    ("四级主任科员", Rank.CLERK_LEVEL1, 12),
    ("二级主任科员", Rank.CLERK_LEVEL1, 6),
    ("股长", Rank.CLERK_LEVEL1, 10),
    ("副股长", Rank.CLERK_LEVEL1, 6),
    ("办事员", Rank.STAFF, 8),
)
PROFILES: dict[str, Profile] = {
    "organ": Profile(
        (23, 59),
        _PARTY_BRANCH,
        {E.MASTER: 12, E.BACHELOR: 62, E.COLLEGE: 22, E.SECONDARY: 4},
        _ORGAN_TITLES,
    ),
    "party_school": Profile(
        (26, 59),
        {P: 88, PR: 4, LM: 4, DP: 4},
        {E.DOCTORATE: 10, E.MASTER: 50, E.BACHELOR: 40},
        (
            ("讲师", "", 40),
            ("副教授", "", 25),
            ("教授", "", 8),
            ("助教", "", 12),
            ("教研室主任", "", 8),
            ("科员", Rank.CLERK_LEVEL1, 10),
        ),
    ),
    "school": Profile(
        (23, 59),
        {P: 70, PR: 6, LM: 10, MA: 10, DP: 4},
        {E.MASTER: 15, E.BACHELOR: 70, E.COLLEGE: 15},
        (
            ("二级教师", "", 25),
            ("一级教师", "", 35),
            ("高级教师", "", 20),
            ("班主任", "", 12),
            ("教研组长", "", 8),
        ),
    ),
    "hospital": Profile(
        (24, 59),
        {P: 68, PR: 6, LM: 12, MA: 10, DP: 4},
        {E.DOCTORATE: 2, E.MASTER: 18, E.BACHELOR: 55, E.COLLEGE: 25},
        (
            ("医师", "", 20),
            ("主治医师", "", 22),
            ("副主任医师", "", 10),
            ("主任医师", "", 4),
            ("护士", "", 14),
            ("护师", "", 14),
            ("主管护师", "", 10),
            ("药师", "", 6),
        ),
    ),
    "community": Profile(
        (25, 70),
        {P: 70, PR: 6, LM: 6, MA: 18},
        {E.BACHELOR: 30, E.COLLEGE: 40, E.SECONDARY: 25, E.JUNIOR: 5},
        (("社区工作者", "", 40), ("网格员", "", 30), ("居民", "", 30)),
    ),
    "village": Profile(
        (25, 75),
        {P: 80, PR: 6, LM: 4, MA: 10},
        {E.COLLEGE: 10, E.SECONDARY: 45, E.JUNIOR: 45},
        (
            ("村民", "", 50),
            ("村民小组长", "", 12),
            ("种植大户", "", 12),
            ("个体工商户", "", 12),
            ("合作社理事长", "", 4),
            ("村会计", "", 10),
        ),
    ),
    # The staff of a community or village office who are not party members.
    "residents": Profile(
        (22, 65),
        {MA: 70, LM: 25, NP: 5},
        {E.BACHELOR: 20, E.COLLEGE: 40, E.SECONDARY: 30, E.JUNIOR: 10},
        (("社区工作者", "", 50), ("网格员", "", 30), ("村委会委员", "", 20)),
    ),
    "retired": Profile(
        (60, 86),
        {P: 100},
        {E.BACHELOR: 25, E.COLLEGE: 35, E.SECONDARY: 30, E.JUNIOR: 10},
        (("退休干部", Rank.CLERK_LEVEL1, 100),),
    ),
    # Only party members: a party branch roster in the strict sense.
    "party_only": Profile(
        (24, 59), {P: 92, PR: 8}, {E.MASTER: 14, E.BACHELOR: 66, E.COLLEGE: 20}, _ORGAN_TITLES
    ),
}
_ETHNICITIES = {
    Ethnicity.HAN: 94,
    Ethnicity.HUI: 2,
    Ethnicity.MANCHU: 1,
    Ethnicity.ZHUANG: 1,
    Ethnicity.TUJIA: 1,
    Ethnicity.MIAO: 1,
}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PersonMaker:
    """Believable, unique people from one seed. `name_pool` draws names from a fixed pool
    (fast, for the benchmark's 100,000 people) instead of asking Faker every time."""

    def __init__(self, seed: int = DEMO_SEED, *, today: date | None = None, name_pool: int = 0):
        from faker import Faker  # a development dependency: only the demo and the benchmark need it

        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.today = today or reference_date()
        self.id_numbers: set[str] = set()
        self.mobiles: set[str] = set()
        self._pool: dict[str, list[str]] = {}
        if name_pool:
            self._pool = {
                g: [self._faker_name(g) for _ in range(name_pool)]
                for g in (Gender.MALE, Gender.FEMALE)
            }

    def _faker_name(self, gender: str) -> str:
        # Faker's zh_CN name_male()/name_female() ignore the gender; the given-name lists do not.
        given = (
            self.faker.first_name_male()
            if gender == Gender.MALE
            else self.faker.first_name_female()
        )
        return self.faker.last_name() + given

    def name(self, gender: str) -> str:
        if self._pool:
            return self.rng.choice(self._pool[gender])
        return self._faker_name(gender)

    def mobile(self) -> str:
        while True:
            value = make_mobile(self.rng)
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value

    def id_number(self, birth: date, gender: str) -> str:
        while True:
            value = make_id_number(birth, gender, self.rng)
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def person(
        self, profile: str, *, status: str | None = None, gender: str | None = None, name: str = ""
    ) -> dict:
        """Fields for services.person_create, plus `joined_on`, the day the person joined the unit."""
        rng, today, prof = self.rng, self.today, PROFILES[profile]
        status = status or _weighted(rng, prof.statuses)
        gender = gender or (Gender.MALE if rng.random() < 0.56 else Gender.FEMALE)
        low, high = prof.ages
        if status == LM:
            low, high = max(low, 18), min(high, 28)  # the League's age limit
        elif status == PR:
            low, high = max(low, 19), min(high, 40)
        birth = self.day_between(
            _years_before(today, high + 1) + timedelta(days=1), _years_before(today, low)
        )
        name = name or self.name(gender)
        title, rank, _weight = rng.choices(prof.titles, weights=[t[2] for t in prof.titles])[0]
        fields = {
            "name": name,
            "gender": gender,
            "ethnicity": _weighted(rng, _ETHNICITIES),
            "birth_date": birth,
            "id_number": self.id_number(birth, gender),
            "mobile": self.mobile(),
            "education": _weighted(rng, prof.education),
            "political_status": status,
            "joined_party_on": None,
            "full_member_on": None,
            "job_title": title,
            "rank": rank,
        }
        if status == PR:
            fields["joined_party_on"] = today - timedelta(days=rng.randint(20, 340))
        elif status == P:
            earliest = _years_before(birth, -19)
            latest = min(_years_before(birth, -45), _years_before(today, 1))
            joined = self.day_between(earliest, latest)
            fields["joined_party_on"] = joined
            fields["full_member_on"] = min(_years_before(joined, -1), today)
        start = max(_years_before(birth, -22), date(1985, 1, 1))
        fields["joined_on"] = self.day_between(start, min(_years_before(birth, -58), today))
        return fields


# --- The county -----------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One organization of the demo county and the people whose primary organization it is."""

    key: str
    name: str
    kind: str
    people: int = 0  # at the default size of 500 people
    profile: str = "organ"
    employer: str = ""
    short_name: str = ""
    fixed: bool = False  # keeps its size whatever --people says
    head: str = ""  # department: the first person's title, who becomes the secretary field
    posts: tuple[str, ...] = ()  # committee: leading posts, taken from the people of `leaders_from`
    leaders_from: str = ""
    secretary_title: str = ""  # branch: the secretary's title when it is not 支部书记
    children: tuple[Unit, ...] = ()


def _branch(key, name, people, employer, profile="organ", **kw) -> Unit:
    return Unit(key, name, "branch", people, profile, employer, **kw)


def _village(key, name, staff, members, groups=0) -> Unit:
    """A village (or community) office with its party branch, optionally split in party groups."""
    kind, short = ("community", "社区") if name.endswith("社区") else ("village", "村")
    office = f"{name}{'居委会' if kind == 'community' else '村委会'}"
    children = tuple(
        Unit(
            f"{key}_g{i}",
            f"{name}第{'一二三四'[i - 1]}党小组",
            "party_group",
            members // (groups + 1),
            "community" if kind == "community" else "village",
            office,
        )
        for i in range(1, groups + 1)
    )
    branch = _branch(
        f"{key}_branch",
        f"{name}党支部",
        members - sum(c.people for c in children),
        office,
        "community" if kind == "community" else "village",
        secretary_title=f"党支部书记、{short}{'居委会主任' if kind == 'community' else '委会主任'}",
        children=children,
    )
    return Unit(key, name, kind, staff, "residents", office, children=(branch,))


COUNTY = Unit(
    "root",
    "某某县委",
    "party_committee",
    short_name="县委",
    posts=("县委书记", "县委副书记、县长", "县委副书记"),
    leaders_from="office",
    children=(
        Unit(
            "dept",
            "县委组织部",
            "department",
            12,
            "organ",
            "县委组织部",
            short_name="组织部",
            head="县委常委、组织部部长",
        ),
        Unit(
            "school",
            "县委党校",
            "department",
            10,
            "party_school",
            "县委党校",
            short_name="党校",
            head="常务副校长",
        ),
        Unit(
            "organs",
            "县直机关工委",
            "working_committee",
            3,
            "organ",
            "县直机关工委",
            short_name="机关工委",
            posts=("工委书记", "工委副书记"),
            leaders_from="organs",
            children=(
                _branch("office", "县委办公室党支部", 16, "县委办公室", short_name="县委办支部"),
                _branch(
                    "discipline",
                    "县纪委监委机关党支部",
                    16,
                    "县纪委监委",
                    short_name="纪委监委支部",
                ),
                Unit(
                    "justice",
                    "县司法局党总支",
                    "general_branch",
                    short_name="司法局党总支",
                    posts=("党总支书记、局长",),
                    leaders_from="justice1",
                    children=(
                        _branch(
                            "justice1",
                            "县司法局第一党支部",
                            15,
                            "县司法局",
                            "party_only",
                            short_name="司法局一支部",
                            fixed=True,
                        ),
                        _branch(
                            "justice2",
                            "县司法局第二党支部",
                            14,
                            "县司法局",
                            "party_only",
                            short_name="司法局二支部",
                            fixed=True,
                        ),
                        _branch(
                            "justice3",
                            "县司法局城关司法所党支部",
                            12,
                            "县司法局城关司法所",
                            "party_only",
                            short_name="城关司法所支部",
                            fixed=True,
                        ),
                        _branch(
                            "justice4",
                            "县司法局离退休干部党支部",
                            10,
                            "县司法局（退休）",
                            "retired",
                            short_name="司法局退休支部",
                            fixed=True,
                        ),
                    ),
                ),
                _branch("finance", "县财政局党支部", 18, "县财政局", short_name="财政局支部"),
                Unit(
                    "education",
                    "县教育局党总支",
                    "general_branch",
                    short_name="教育局党总支",
                    posts=("党总支书记、局长",),
                    leaders_from="edu_office",
                    children=(
                        _branch("edu_office", "县教育局机关党支部", 12, "县教育局"),
                        _branch(
                            "school1",
                            "县第一中学党支部",
                            12,
                            "县第一中学",
                            "school",
                            children=(
                                Unit(
                                    "school1_g1",
                                    "县第一中学语文教研组党小组",
                                    "party_group",
                                    9,
                                    "school",
                                    "县第一中学",
                                ),
                                Unit(
                                    "school1_g2",
                                    "县第一中学数学教研组党小组",
                                    "party_group",
                                    9,
                                    "school",
                                    "县第一中学",
                                ),
                            ),
                        ),
                        _branch("school2", "县实验小学党支部", 18, "县实验小学", "school"),
                    ),
                ),
                Unit(
                    "hospital",
                    "县人民医院党总支",
                    "general_branch",
                    short_name="医院党总支",
                    posts=("党总支书记、院长",),
                    leaders_from="hospital1",
                    children=(
                        _branch("hospital1", "县人民医院内科党支部", 20, "县人民医院", "hospital"),
                        _branch("hospital2", "县人民医院外科党支部", 18, "县人民医院", "hospital"),
                        _branch("hospital3", "县人民医院护理党支部", 16, "县人民医院", "hospital"),
                    ),
                ),
            ),
        ),
        Unit(
            "town",
            "城关镇党委",
            "party_committee",
            posts=("镇党委书记", "镇党委副书记、镇长", "党委委员、组织委员", "镇纪委书记"),
            leaders_from="town_office",
            children=(
                _branch(
                    "town_office",
                    "城关镇机关党支部",
                    22,
                    "城关镇人民政府",
                    short_name="城关镇机关支部",
                ),
                _village("dongjie", "东街社区", 6, 24, groups=2),
                _village("xijie", "西街社区", 5, 18),
                _village("nanguan", "南关村", 4, 16),
            ),
        ),
        Unit(
            "hekou",
            "河口镇党委",
            "party_committee",
            posts=("镇党委书记", "镇党委副书记、镇长", "党委委员、组织委员", "镇纪委书记"),
            leaders_from="hekou_office",
            children=(
                _branch(
                    "hekou_office",
                    "河口镇机关党支部",
                    20,
                    "河口镇人民政府",
                    short_name="河口镇机关支部",
                ),
                _village("hekoucun", "河口村", 5, 22, groups=2),
                _village("liushuwan", "柳树湾村", 4, 15),
                _village("shimen", "石门村", 4, 13),
            ),
        ),
    ),
)

BRANCH_POSTS = ("支部书记", "组织委员", "宣传委员", "纪检委员")
GROUP_LEADER = "党小组组长"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    unit: str  # the organization the role is granted on


DEMO_LOGINS = (
    DemoLogin("system_admin", "admin", "root"),
    DemoLogin("org_dept_admin", "zzb", "root"),
    DemoLogin("committee_admin", "dw", "town"),
    DemoLogin("branch_secretary", "sj", "justice1"),
    DemoLogin("discipline_inspector", "jj", "root"),
    DemoLogin("member", "dy", "justice1"),
)
DEMO_USERNAMES = tuple(login.username for login in DEMO_LOGINS)

# People the demo needs by name: (unit, tag, title, name). Tags link them to logins.
_NAMED = (
    ("dept", "admin", "信息管理员", ""),
    ("dept", "zzb", "组织股股长", ""),
    ("discipline", "jj", "纪检监察室主任", ""),
    ("justice1", "dy", "科员", ""),
    ("justice1", "zhs", "四级主任科员", "张海生"),
)


def walk(unit: Unit, parent: Unit | None = None):
    yield unit, parent
    for child in unit.children:
        yield from walk(child, unit)


def _sizes(total: int) -> dict[str, int]:
    """People per unit: fixed units keep their size, the others share what is left."""
    units = [u for u, _p in walk(COUNTY)]
    fixed = sum(u.people for u in units if u.fixed)
    scalable = [u for u in units if u.people and not u.fixed]
    base = sum(u.people for u in scalable)
    left = max(total - fixed, 0)
    minimum = {u.key: (3 if u.kind == "branch" else 1) for u in scalable}
    exact = {u.key: u.people * left / base for u in scalable}
    sizes = {k: max(minimum[k], int(v)) for k, v in exact.items()}
    # Largest remainders first, to reach the total exactly when the minimums allow it.
    for key in sorted(exact, key=lambda k: exact[k] - int(exact[k]), reverse=True):
        if sum(sizes.values()) >= left:
            break
        sizes[key] += 1
    sizes.update({u.key: u.people for u in units if u.fixed})
    return sizes


@dataclass
class _Plan:
    unit: str
    fields: dict
    tag: str = ""
    posts: list[tuple[str, str]] = field(default_factory=list)  # (unit key, title)

    @property
    def eligible(self) -> bool:
        return not self.tag and not self.posts and self.fields["political_status"] == P


@dataclass
class PeoplePlan:
    by_unit: dict[str, list[_Plan]]
    secretaries: dict[str, _Plan]  # unit key -> the person set as the organization's secretary
    posts: dict[tuple[str, str], _Plan]  # (unit key, title) -> holder
    tagged: dict[str, _Plan]


def _leaders_needed() -> Counter:
    """How many full party members each unit must supply for the posts it fills."""
    needed: Counter = Counter()
    for unit, _parent in walk(COUNTY):
        if unit.kind == "branch":
            needed[unit.key] += len(BRANCH_POSTS)
        elif unit.kind in ("party_group", "department"):
            needed[unit.key] += 1
        if unit.posts:
            needed[unit.leaders_from] += len(unit.posts)
    return needed


def plan_people(maker: PersonMaker, total: int) -> PeoplePlan:
    """Who works where, and who holds which post: pure data, no database."""
    sizes = _sizes(total)
    needed = _leaders_needed()
    plan = PeoplePlan({}, {}, {}, {})
    for unit, _parent in walk(COUNTY):
        rows = []
        for unit_key, tag, title, name in _NAMED:
            if unit_key == unit.key:
                profile = "organ" if unit.profile == "retired" else unit.profile
                fields = maker.person(
                    profile, status=P, gender=Gender.MALE if name else None, name=name
                )
                fields["job_title"] = title
                rows.append(_Plan(unit.key, fields, tag=tag))
                plan.tagged[tag] = rows[-1]
        # Leaders first, as full party members, so that a small county still has its posts filled.
        for _ in range(needed[unit.key]):
            rows.append(_Plan(unit.key, maker.person(unit.profile, status=P)))
        while len(rows) < sizes.get(unit.key, 0):
            fields = maker.person(unit.profile)
            if fields["name"] != "张海生":  # keep the demo's 张海生 unique
                rows.append(_Plan(unit.key, fields))
        for row in rows:
            row.fields["employer"] = unit.employer
        plan.by_unit[unit.key] = rows

    def take(source: str, unit_key: str, title: str, job_title: str = "") -> _Plan | None:
        holder = next((p for p in plan.by_unit[source] if p.eligible), None)
        if holder is not None:
            holder.posts.append((unit_key, title))
            holder.fields["job_title"] = job_title or title
            plan.posts[(unit_key, title)] = holder
        return holder

    for unit, _parent in walk(COUNTY):
        rows = plan.by_unit[unit.key]
        if unit.kind == "branch":
            # A branch of seven party members or more elects a committee; a smaller one, a secretary.
            members = sum(1 for r in rows if r.fields["political_status"] == P)
            for title in BRANCH_POSTS if members >= 7 else BRANCH_POSTS[:1]:
                take(
                    unit.key,
                    unit.key,
                    title,
                    unit.secretary_title if title == BRANCH_POSTS[0] else "",
                )
            first = BRANCH_POSTS[0]
        elif unit.kind == "party_group":
            first = GROUP_LEADER
            take(unit.key, unit.key, first)
        elif unit.kind == "department":
            first = unit.head
            take(unit.key, unit.key, first)
        else:
            continue
        if (unit.key, first) in plan.posts:
            plan.secretaries[unit.key] = plan.posts[(unit.key, first)]
    # Committees and general branches take their leaders from one of their units.
    for unit, _parent in walk(COUNTY):
        for i, title in enumerate(unit.posts):
            holder = take(unit.leaders_from, unit.key, title)
            if i == 0 and holder:
                plan.secretaries[unit.key] = holder
        if unit.kind in ("community", "village"):
            # 书记、主任“一肩挑”: the office's head is its party branch's secretary.
            branch = unit.children[0].key
            if branch in plan.secretaries:
                plan.secretaries[unit.key] = plan.secretaries[branch]
    return plan


@dataclass
class DemoSummary:
    organizations: int
    people: int
    by_status: dict[str, int]
    users: list[str]
    seconds: float


def demo_loaded() -> bool:
    from grassroots.accounts.models import User

    return User.objects.filter(username__in=DEMO_USERNAMES).exists()


def build_demo(*, people: int = DEMO_PEOPLE, seed: int = DEMO_SEED) -> DemoSummary:
    """Build the demo county in an empty database, through the services, in one transaction."""
    from auditlog.context import disable_auditlog

    from grassroots.accounts import services as account_services
    from grassroots.accounts.models import Role, User
    from grassroots.accounts.signals import ensure_builtin_roles
    from grassroots.core import registry

    from . import services
    from .kinds import ensure_default_kinds
    from .models import Organization, OrganizationKind, Person

    started = time.monotonic()
    maker = PersonMaker(seed)
    plan = plan_people(maker, people)
    ensure_default_kinds()
    ensure_builtin_roles()
    kinds = {k.code: k for k in OrganizationKind.objects.all()}
    rng = random.Random(seed + 1)
    today = maker.today

    with transaction.atomic():
        admin = User.objects.create_user(
            "admin", DEMO_PASSWORD, is_superuser=True, is_staff=True, display_name="系统管理员"
        )
        # The demo is a bootstrap, not a change anyone made: no audit trail (it would double the time).
        with disable_auditlog():
            orgs: dict[str, Organization] = {}
            codes = iter(range(1, 10_000))
            for unit, parent in walk(COUNTY):
                founded = date(rng.randint(1950, 2012), rng.randint(1, 12), rng.randint(1, 28))
                orgs[unit.key] = services.organization_create(
                    parent=orgs[parent.key] if parent else None,
                    actor=admin,
                    code=f"CTY{next(codes):03d}",
                    name=unit.name,
                    short_name=unit.short_name,
                    kind=kinds[unit.kind],
                    founded_on=founded,
                    phone=f"025-5{rng.randint(0, 9_999_999):07d}",
                    address=f"某某县{rng.choice(['人民路', '建设路', '解放路', '新华街', '文化路', '滨河路'])}{rng.randint(1, 199)}号",
                )
            created: dict[int, Person] = {}
            for unit, _parent in walk(COUNTY):
                for row in plan.by_unit[unit.key]:
                    fields = dict(row.fields)
                    joined_on = fields.pop("joined_on")
                    person = services.person_create(
                        organization=orgs[unit.key], actor=admin, joined_on=joined_on, **fields
                    )
                    created[id(row)] = person
                    for post_unit, title in row.posts:
                        services.position_add(
                            person=person,
                            actor=admin,
                            title=title,
                            organization=orgs[post_unit],
                            employer=orgs[post_unit].name,
                            started_on=max(
                                joined_on, today - timedelta(days=rng.randint(30, 1800))
                            ),
                        )
            for key, holder in plan.secretaries.items():
                services.organization_update(
                    organization=orgs[key], actor=admin, secretary=created[id(holder)]
                )

            roles = {r.slug: r for r in Role.objects.all()}
            persons = {
                "admin": plan.tagged["admin"],
                "zzb": plan.tagged["zzb"],
                "dw": plan.posts[("town", "党委委员、组织委员")],
                "sj": plan.secretaries["justice1"],
                "jj": plan.tagged["jj"],
                "dy": plan.tagged["dy"],
            }
            users = []
            for login in DEMO_LOGINS:
                person = created[id(persons[login.username])]
                if login.username == "admin":
                    user = admin
                    user.person, user.mobile = person, person.mobile
                    user.save(update_fields=["person", "mobile"])
                else:
                    user, _password = account_services.user_create(
                        person=person, username=login.username, password=DEMO_PASSWORD, actor=admin
                    )
                account_services.grant_create(
                    user=user,
                    role=roles[login.role],
                    organization=orgs[login.unit],
                    actor=admin,
                    note="演示数据",
                )
                users.append(user)
            # The demo logins share a published password; demo_logins prints it and warns.
            User.objects.filter(pk__in=[u.pk for u in users]).update(must_change_password=False)
            context = registry.DemoContext(
                organizations=orgs,
                users={u.username: u for u in users},
                admin=admin,
                rng=random.Random(seed + 2),
                today=today,
            )
            for step in registry.demo_steps.items():
                step.run(context)
            users = [u.username for u in users]

    all_people = Person.objects.filter(primary_org__path__startswith=orgs["root"].path)
    return DemoSummary(
        organizations=len(orgs),
        people=all_people.count(),
        by_status=dict(Counter(all_people.values_list("political_status", flat=True))),
        users=users,
        seconds=time.monotonic() - started,
    )


def demo_login_rows() -> list[dict]:
    """The demo accounts as they are now: role, username, mobile, organization, and whether
    the password is still the demo one. Empty when the demo was not loaded."""
    from grassroots.accounts.models import RoleGrant, User

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    grants = {
        (g.user.username, g.role.slug): g
        for g in RoleGrant.objects.filter(user__username__in=DEMO_USERNAMES).select_related(
            "user", "role", "organization"
        )
    }
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        if user is None:
            continue
        grant = grants.get((login.username, login.role))
        rows.append(
            {
                "role": grant.role.name if grant else login.role,
                "username": user.username,
                "mobile": user.mobile or "",
                "password_unchanged": user.check_password(DEMO_PASSWORD),
                "organization": grant.organization.name if grant else "",
                "name": user.get_full_name(),
            }
        )
    return rows
