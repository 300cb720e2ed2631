"""County-scale data for the benchmark, written with bulk_create in batches.

A county of ~20 committees → general branches → branches → party groups, with people whose
ID numbers, mobiles and pinyin keys are as valid as those entered by hand (the same
PersonMaker as the demo), one current membership each, a secretary per branch, one audit
entry per person (a real system has them, and the person page reads them), a user holding
branch_secretary on a committee of about 2,000 people, and a county-wide officer.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

CN = "一二三四五六七八九十"
TOWNS = "城关 河口 柳林 石桥 新安 白沙 龙泉 青山 东湖 马坊 桃源 双河 长岭 清水".split()
SYSTEMS = [
    ("县直机关工委", "working_committee", "organ"),
    ("县教育系统党委", "party_committee", "school"),
    ("县卫生健康系统党委", "party_committee", "hospital"),
    ("县国资系统党委", "party_committee", "organ"),
    ("县非公有制经济组织党委", "party_committee", "organ"),
    ("县社会组织党委", "party_committee", "community"),
]
VILLAGE_WORDS = "东 西 南 北 中 上 下 前 后 大 小 新 老 石 柳 杨 李 王 张 高 马 黄 白 红".split()
VILLAGE_ENDS = "庄 村 湾 岭 坪 沟 桥 河 营 屯".split()

SUBTREE_PEOPLE = 2_000
BATCH = 2_000


@dataclass
class Size:
    people: int
    organizations: int
    committees: int = 20
    general_branches: int = 12  # per committee
    branches: int = 5  # per general branch


FULL = Size(people=100_000, organizations=5_000)
SMALL = Size(people=10_000, organizations=500, general_branches=3, branches=3)


@dataclass
class BenchData:
    root_id: int
    subtree_id: int  # the committee of about 2,000 people
    subtree_people: int
    person_id: int  # a person in the subtree
    organization_id: int  # a general branch in the subtree
    branch_id: int  # a branch in the subtree, with its groups: a few dozen people
    secretary_id: int  # user: branch_secretary on the subtree
    officer_id: int  # user: org_dept_admin on the root
    people: int
    organizations: int
    seconds: float


def _cn(n: int) -> str:
    return CN[n - 1] if n <= 10 else f"{n}"


def _village_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_ENDS)
        if name not in used:
            used.add(name)
            return name


def generate(size: Size, *, seed: int = 1, log=print) -> BenchData:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from grassroots.accounts.models import Role, RoleGrant, User
    from grassroots.accounts.signals import ensure_builtin_roles
    from grassroots.orgs.demo import PersonMaker
    from grassroots.orgs.enums import PersonStatus
    from grassroots.orgs.kinds import ensure_default_kinds
    from grassroots.orgs.models import Membership, Organization, OrganizationKind, Person, Position
    from grassroots.orgs.pinyin import pinyin_keys

    started = time.monotonic()
    rng = random.Random(seed)
    ensure_default_kinds()
    ensure_builtin_roles()
    kinds = {k.code: k for k in OrganizationKind.objects.all()}

    # --- The tree, as rows with their materialized paths --------------------------------
    rows: list[dict] = []  # path, name, kind, profile, parent path
    children: dict[str, int] = {}
    codes = iter(range(1, 10_000_000))

    def add(parent: dict | None, name: str, kind: str, profile: str, short: str = "") -> dict:
        parent_path = parent["path"] if parent else ""
        children[parent_path] = children.get(parent_path, 0) + 1
        depth = (parent["depth"] + 1) if parent else 1
        row = {
            "path": Organization._get_path(parent_path, depth, children[parent_path]),
            "depth": depth,
            "name": name,
            "short": short,
            "kind": kind,
            "profile": profile,
            "code": f"B{next(codes):06d}",
        }
        rows.append(row)
        return row

    root = add(None, "某某县委", "party_committee", "organ", "县委")
    committees = []
    for i in range(size.committees):
        if i < len(TOWNS):
            town = TOWNS[i]
            committees.append(add(root, f"{town}镇党委", "party_committee", "village"))
        else:
            name, kind, profile = SYSTEMS[(i - len(TOWNS)) % len(SYSTEMS)]
            committees.append(add(root, name, kind, profile))
    branches = []
    used_names: set[str] = set()
    for committee in committees:
        for g in range(1, size.general_branches + 1):
            if committee["profile"] == "village":
                unit = _village_name(rng, used_names)
                gb = add(
                    committee,
                    f"{committee['name'][:-2]}{unit}党总支",
                    "general_branch",
                    "village",
                    unit,
                )
            else:
                gb = add(
                    committee,
                    f"{committee['name'][:-2]}第{_cn(g)}党总支",
                    "general_branch",
                    committee["profile"],
                )
            for b in range(1, size.branches + 1):
                branches.append(
                    add(gb, f"{gb['name'][:-3]}第{_cn(b)}党支部", "branch", gb["profile"])
                )
    groups_left = size.organizations - len(rows)
    group_counts = {b["path"]: 0 for b in branches}
    for _ in range(max(groups_left, 0)):
        group_counts[rng.choice(branches)["path"]] += 1
    groups = []
    for branch in branches:
        for k in range(1, group_counts[branch["path"]] + 1):
            groups.append(
                add(
                    branch,
                    f"{branch['name'][:-3]}第{_cn(k)}党小组",
                    "party_group",
                    branch["profile"],
                )
            )

    with transaction.atomic():
        Organization.objects.bulk_create(
            [
                Organization(
                    path=r["path"],
                    depth=r["depth"],
                    numchild=children.get(r["path"], 0),
                    code=r["code"],
                    name=r["name"],
                    short_name=r["short"],
                    kind=kinds[r["kind"]],
                )
                for r in rows
            ],
            batch_size=BATCH,
        )
    org_ids = dict(Organization.objects.values_list("path", "id"))
    log(
        f"  {len(rows):,} organizations ({len(committees)} committees, {len(branches)} branches, {len(groups)} groups)"
    )

    # --- People: the subtree committee gets SUBTREE_PEOPLE, the others share the rest -----
    subtree = committees[0]
    others = committees[1:]
    weights = [rng.uniform(0.5, 1.5) for _ in others]
    left = size.people - SUBTREE_PEOPLE
    quota = {subtree["path"]: SUBTREE_PEOPLE}
    for committee, w in zip(others, weights, strict=True):
        quota[committee["path"]] = int(left * w / sum(weights))
    quota[others[-1]["path"]] += size.people - sum(quota.values())

    by_committee: dict[str, list[dict]] = {c["path"]: [] for c in committees}
    for r in rows:
        if r["depth"] >= 3:
            by_committee[r["path"][:8]].append(r)
    maker = PersonMaker(seed, name_pool=3_000)
    keys_cache: dict[str, tuple[str, str]] = {}
    people: list[Person] = []
    starts: list = []
    for committee in committees:
        # Committee staff sit in the committee node; the rest in branches and groups by weight.
        nodes = [committee] + [
            r for r in by_committee[committee["path"]] if r["kind"] in ("branch", "party_group")
        ]
        node_weights = [0.3] + [rng.uniform(0.5, 1.5) for _ in nodes[1:]]
        targets = rng.choices(nodes, weights=node_weights, k=quota[committee["path"]])
        for node in targets:
            fields = maker.person(node["profile"])
            starts.append(fields.pop("joined_on"))
            name = fields["name"]
            if name not in keys_cache:
                keys_cache[name] = pinyin_keys(name)
            fields["name_pinyin"], fields["name_initials"] = keys_cache[name]
            fields["employer"] = node["name"].removesuffix("党小组").removesuffix("党支部")[:120]
            left_unit = rng.random() < 0.02
            people.append(
                Person(
                    primary_org_id=org_ids[node["path"]],
                    status=PersonStatus.LEFT if left_unit else PersonStatus.ACTIVE,
                    **fields,
                )
            )
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=BATCH)
        if people[0].pk is None:  # a backend that does not return ids from bulk inserts
            ids = list(Person.objects.order_by("id").values_list("id", flat=True))
            for person, pk in zip(people, ids, strict=True):
                person.pk = person.id = pk
        ended = maker.today - timedelta(days=30)
        Membership.objects.bulk_create(
            [
                Membership(
                    person_id=p.pk,
                    organization_id=p.primary_org_id,
                    started_on=min(start, ended),
                    ended_on=ended if p.status != PersonStatus.ACTIVE else None,
                )
                for p, start in zip(people, starts, strict=True)
            ],
            batch_size=BATCH,
        )
    log(f"  {len(people):,} people with memberships")

    # --- A secretary for every branch, with the post on record --------------------------------
    active_by_org: dict[int, list[Person]] = {}
    for p in people:
        if p.status == PersonStatus.ACTIVE and p.political_status == "party_member":
            active_by_org.setdefault(p.primary_org_id, []).append(p)
    secretaries = {}
    for r in rows:
        if r["kind"] in ("branch", "party_group"):
            candidates = active_by_org.get(org_ids[r["path"]])
            if candidates:
                secretaries[org_ids[r["path"]]] = (
                    candidates[0],
                    "支部书记" if r["kind"] == "branch" else "党小组组长",
                )
    with transaction.atomic():
        orgs = list(Organization.objects.filter(id__in=secretaries))
        for org in orgs:
            org.secretary_id = secretaries[org.pk][0].pk
        Organization.objects.bulk_update(orgs, ["secretary"], batch_size=BATCH)
        Position.objects.bulk_create(
            [
                Position(
                    person_id=p.pk,
                    organization_id=org_id,
                    title=title,
                    started_on=maker.today - timedelta(days=400),
                )
                for org_id, (p, title) in secretaries.items()
            ],
            batch_size=BATCH,
        )

    # --- Users and one audit entry per person -------------------------------------------------
    roles = {r.slug: r for r in Role.objects.all()}
    subtree_id, root_id = org_ids[subtree["path"]], org_ids[root["path"]]
    secretary_person = next(p for p in people if p.primary_org_id == org_ids[branches[0]["path"]])
    with transaction.atomic():
        secretary = User(
            username="bench_secretary",
            person_id=secretary_person.pk,
            mobile=secretary_person.mobile,
        )
        officer = User(username="bench_officer")
        for user in (secretary, officer):
            user.set_unusable_password()
            user.save()
        RoleGrant.objects.create(
            user=secretary, role=roles["branch_secretary"], organization_id=subtree_id
        )
        RoleGrant.objects.create(
            user=officer, role=roles["org_dept_admin"], organization_id=root_id
        )
        person_type = ContentType.objects.get_for_model(Person)
        now = datetime.now(UTC)
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    content_type=person_type,
                    object_pk=str(p.pk),
                    object_id=p.pk,
                    object_repr=p.name,
                    action=LogEntry.Action.CREATE,
                    changes={"name": ["None", p.name]},
                    actor=officer,
                    timestamp=now - timedelta(minutes=i),
                )
                for i, p in enumerate(people)
            ],
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database has

    in_subtree = Person.objects.filter(
        primary_org__path__startswith=subtree["path"], status=PersonStatus.ACTIVE
    )
    person = in_subtree.order_by("id").first()
    gb = rows.index(
        next(
            r
            for r in rows
            if r["kind"] == "general_branch" and r["path"].startswith(subtree["path"])
        )
    )
    return BenchData(
        root_id=root_id,
        subtree_id=subtree_id,
        subtree_people=in_subtree.count(),
        person_id=person.pk,
        organization_id=org_ids[rows[gb]["path"]],
        branch_id=org_ids[branches[0]["path"]],
        secretary_id=secretary.pk,
        officer_id=officer.pk,
        people=len(people),
        organizations=len(rows),
        seconds=time.monotonic() - started,
    )


def existing() -> BenchData | None:
    """The data of an earlier run kept with --keep, to measure again without generating."""
    from grassroots.accounts.models import RoleGrant
    from grassroots.orgs.models import Organization, Person

    grant = (
        RoleGrant.objects.filter(user__username="bench_secretary")
        .select_related("organization")
        .first()
    )
    officer = RoleGrant.objects.filter(user__username="bench_officer").first()
    if grant is None or officer is None:
        return None
    subtree = grant.organization
    in_subtree = Person.objects.filter(primary_org__path__startswith=subtree.path, status="active")
    gb = (
        Organization.objects.filter(path__startswith=subtree.path, depth=subtree.depth + 1)
        .order_by("path")
        .first()
    )
    branch = (
        Organization.objects.filter(path__startswith=gb.path, kind__code="branch")
        .order_by("path")
        .first()
    )
    return BenchData(
        root_id=officer.organization_id,
        subtree_id=subtree.pk,
        subtree_people=in_subtree.count(),
        person_id=in_subtree.order_by("id").first().pk,
        organization_id=gb.pk,
        branch_id=branch.pk,
        secretary_id=grant.user_id,
        officer_id=officer.user_id,
        people=Person.objects.count(),
        organizations=Organization.objects.count(),
        seconds=0.0,
    )
