"""Demo data of the quizzes app: a county question bank of party knowledge (党章, 三会一课,
党员教育管理), one quiz open now and one closed quiz with its results.

`populate(organizations, people, rng)` is called by the demo command after the county and its
people exist. It writes directly (there is no acting officer in a bootstrap) and grades the
closed quiz's attempts with the same code as the live service.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .enums import (
    Audience,
    GradingRule,
    QuestionType,
    QuizStatus,
    ReviewPolicy,
    Selection,
)
from .grading import fingerprint
from .models import Attempt, AttemptItem, Question, Quiz, QuizQuestion, Tag
from .services.attempts import grade

S, M, TF, F = (
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.TRUE_FALSE,
    QuestionType.FILL_BLANK,
)

# (type, stem, options, answer, explanation, difficulty, tags)
QUESTIONS = [
    (
        S,
        "中国共产党党员必须年满（ ）岁。",
        ["十六", "十八", "二十", "二十二"],
        [1],
        "党章第一条：年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子……可以申请加入中国共产党。",
        1,
        ["党章"],
    ),
    (
        S,
        "预备党员的预备期为（ ）。",
        ["半年", "一年", "两年", "三年"],
        [1],
        "党章第七条：预备党员的预备期为一年。",
        1,
        ["党章", "发展党员"],
    ),
    (
        S,
        "党的最高领导机关是（ ）。",
        [
            "党的全国代表大会和它所产生的中央委员会",
            "中央政治局",
            "中央书记处",
            "中央纪律检查委员会",
        ],
        [0],
        "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。",
        1,
        ["党章"],
    ),
    (
        TF,
        "党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。",
        [],
        [True],
        "党章第九条的规定。支部大会应当决定把这样的党员除名，并报上级党组织批准。",
        2,
        ["党章", "组织生活"],
    ),
    (
        S,
        "企业、农村、机关、学校等基层单位，凡是有正式党员（ ）人以上的，都应当成立党的基层组织。",
        ["三", "五", "七", "十"],
        [0],
        "党章第三十条的规定。",
        2,
        ["党章", "支部工作条例"],
    ),
    (
        M,
        "党的纪律主要包括（ ）。",
        ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"],
        [0, 1, 2, 3, 4, 5],
        "党章第四十条：党的纪律主要包括政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。",
        2,
        ["党章", "党的纪律"],
    ),
    (
        F,
        "中国共产党以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、____作为自己的行动指南。",
        [],
        [["习近平新时代中国特色社会主义思想"]],
        "党章总纲。",
        2,
        ["党章"],
    ),
    (
        TF,
        "预备党员享有表决权、选举权和被选举权。",
        [],
        [False],
        "党章第七条：预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样。",
        2,
        ["党章", "发展党员"],
    ),
    (
        S,
        "党的根本组织原则是（ ）。",
        ["民主集中制", "集体领导", "个人分工负责", "少数服从多数"],
        [0],
        "党章第十条：党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体。",
        1,
        ["党章"],
    ),
    (
        F,
        "党的全国代表大会每____年举行一次，由中央委员会召集。",
        [],
        [["五", "5"]],
        "党章第十九条的规定。",
        1,
        ["党章"],
    ),
    (
        S,
        "党的基层委员会、总支部委员会、支部委员会每届任期（ ）。",
        ["两年", "两年或三年", "三年至五年", "五年"],
        [2],
        "党章第三十一条的规定。",
        3,
        ["党章", "支部工作条例"],
    ),
    (
        M,
        "“三会一课”中的“三会”是指（ ）。",
        ["支部党员大会", "支部委员会", "党小组会", "民主生活会"],
        [0, 1, 2],
        "“三会”指支部党员大会、支部委员会和党小组会，“一课”指党课。",
        1,
        ["三会一课"],
    ),
    (
        S,
        "支部党员大会一般每（ ）召开1次。",
        ["月", "季度", "半年", "年"],
        [1],
        "《中国共产党支部工作条例（试行）》第十八条：支部党员大会一般每季度召开1次。",
        1,
        ["三会一课", "支部工作条例"],
    ),
    (
        S,
        "支部委员会会议一般每（ ）召开1次。",
        ["周", "月", "季度", "半年"],
        [1],
        "《中国共产党支部工作条例（试行）》第十八条：支部委员会会议一般每月召开1次。",
        1,
        ["三会一课", "支部工作条例"],
    ),
    (
        S,
        "党小组会一般每（ ）召开1次。",
        ["周", "月", "季度", "半年"],
        [1],
        "《中国共产党支部工作条例（试行）》第十八条：党小组会一般每月召开1次。",
        2,
        ["三会一课", "支部工作条例"],
    ),
    (
        S,
        "党支部书记每年至少为党员讲（ ）次党课。",
        ["1", "2", "4", "12"],
        [0],
        "《中国共产党支部工作条例（试行）》第十八条：党支部书记每年至少为党员讲1次党课。",
        2,
        ["三会一课", "支部工作条例"],
    ),
    (
        TF,
        "党支部应当每月相对固定1天开展主题党日，组织党员集中学习、过组织生活、进行民主议事和志愿服务等。",
        [],
        [True],
        "《中国共产党支部工作条例（试行）》第十八条的规定。",
        1,
        ["组织生活", "支部工作条例"],
    ),
    (
        F,
        "党支部党员人数一般不超过____人。",
        [],
        [["50", "五十"]],
        "《中国共产党支部工作条例（试行）》第八条的规定。",
        3,
        ["支部工作条例"],
    ),
    (
        S,
        "有正式党员（ ）人以上的党支部，应当设立党支部委员会。",
        ["3", "5", "7", "9"],
        [2],
        "《中国共产党支部工作条例（试行）》第十条的规定。",
        3,
        ["支部工作条例"],
    ),
    (
        TF,
        "组织生活会一般每年召开1次。",
        [],
        [True],
        "《中国共产党支部工作条例（试行）》第十八条：组织生活会一般每年召开1次。",
        1,
        ["组织生活"],
    ),
    (
        S,
        "党员每年集中学习培训时间一般不少于（ ）学时。",
        ["24", "32", "48", "56"],
        [1],
        "《中国共产党党员教育管理工作条例》第十三条的规定。",
        1,
        ["党员教育管理"],
    ),
    (
        S,
        "基层党组织书记和班子成员每年集中学习培训时间不少于（ ）学时。",
        ["32", "40", "48", "56"],
        [3],
        "《中国共产党党员教育管理工作条例》第十三条的规定。",
        2,
        ["党员教育管理"],
    ),
    (
        F,
        "《中国共产党党员教育管理工作条例》于____年印发施行。",
        [],
        [["2019", "二〇一九", "二零一九"]],
        "2019年5月，中共中央印发《中国共产党党员教育管理工作条例》。",
        2,
        ["党员教育管理"],
    ),
    (
        TF,
        "党员教育培训只能采取集中培训的方式。",
        [],
        [False],
        "党员教育培训可采取集中培训、网络培训、个人自学等多种方式。",
        1,
        ["党员教育管理"],
    ),
    (
        TF,
        "民主评议党员一般每年开展1次。",
        [],
        [True],
        "《中国共产党党员教育管理工作条例》规定，民主评议党员一般每年开展1次。",
        2,
        ["党员教育管理", "组织生活"],
    ),
    (
        S,
        "中国共产党第一次全国代表大会于（ ）年召开。",
        ["1919", "1921", "1927", "1935"],
        [1],
        "1921年7月，中国共产党第一次全国代表大会召开，宣告中国共产党正式成立。",
        1,
        ["党史"],
    ),
    (
        F,
        "中国共产党的根本宗旨是____。",
        [],
        [["全心全意为人民服务"]],
        "党章总纲：党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益……全心全意为人民服务。",
        1,
        ["党章"],
    ),
    (
        S,
        "每月工资收入（税后）在3000元以下（含3000元）的党员，每月交纳党费的比例为（ ）。",
        ["0.5%", "1%", "1.5%", "2%"],
        [0],
        "《关于中国共产党党费收缴、使用和管理的规定》。",
        3,
        ["党费"],
    ),
    (
        M,
        "“四个意识”是指（ ）。",
        ["政治意识", "大局意识", "核心意识", "看齐意识", "责任意识"],
        [0, 1, 2, 3],
        "增强政治意识、大局意识、核心意识、看齐意识。",
        2,
        ["理论学习"],
    ),
    (
        M,
        "“四个自信”是指（ ）。",
        ["道路自信", "理论自信", "制度自信", "文化自信", "历史自信"],
        [0, 1, 2, 3],
        "坚定中国特色社会主义道路自信、理论自信、制度自信、文化自信。",
        2,
        ["理论学习"],
    ),
    (
        TF,
        "党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。",
        [],
        [True],
        "党章第四条规定的党员权利。",
        3,
        ["党章"],
    ),
]


def _as_list(values) -> list:
    return list(values.values()) if isinstance(values, Mapping) else list(values)


def _wrong(question: Question, rng: random.Random):
    if question.qtype == QuestionType.SINGLE:
        return [rng.choice([i for i in range(len(question.options)) if i not in question.answer])]
    if question.qtype == QuestionType.MULTIPLE:
        return sorted(rng.sample(question.answer, len(question.answer) - 1))
    if question.qtype == QuestionType.TRUE_FALSE:
        return [not question.answer[0]]
    return ["不清楚"]


def _bank(root) -> list[Question]:
    names = sorted({tag for *_rest, tags in QUESTIONS for tag in tags})
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    existing = set(Question.objects.filter(organization=root).values_list("fingerprint", flat=True))
    created = []
    for qtype, stem, options, answer, explanation, difficulty, tag_names in QUESTIONS:
        key = fingerprint(qtype, stem, options)
        if key in existing:
            continue
        question = Question.objects.create(
            organization=root,
            qtype=qtype,
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            difficulty=difficulty,
            fingerprint=key,
        )
        question.tags.set([tags[n] for n in tag_names])
        created.append(question)
    return created


def _simulate(quiz: Quiz, person, questions: list[Question], rng: random.Random) -> None:
    """One member's attempt at a closed quiz: most answers right, some wrong, a time used."""
    span = int((quiz.closes_at - quiz.opens_at).total_seconds()) - 3600
    started = quiz.opens_at + timedelta(seconds=rng.randint(0, max(span, 60)))
    limit = timedelta(minutes=quiz.time_limit_minutes or 30)
    attempt = Attempt.objects.create(
        quiz=quiz,
        person=person,
        number=1,
        started_at=started,
        deadline=min(started + limit, quiz.closes_at),
        question_count=len(questions),
        max_score=len(questions) * quiz.points_per_question,
    )
    skill = rng.uniform(0.55, 0.98)
    order = questions[:]
    rng.shuffle(order)
    AttemptItem.objects.bulk_create(
        [
            AttemptItem(
                attempt=attempt,
                position=position,
                question=q,
                qtype=q.qtype,
                stem=q.stem,
                options=q.options,
                answer=q.answer,
                explanation=q.explanation,
                points=quiz.points_per_question,
                option_order=list(range(len(q.options))),
                response=(
                    [str(a[0]) for a in q.answer]
                    if q.qtype == QuestionType.FILL_BLANK and rng.random() < skill
                    else (q.answer if rng.random() < skill else _wrong(q, rng))
                ),
                answered_at=started,
            )
            for position, q in enumerate(order, start=1)
        ]
    )
    used = timedelta(seconds=rng.randint(180, int(limit.total_seconds()) - 30))
    attempt.quiz = quiz
    grade(attempt, submitted_at=min(started + used, attempt.deadline), auto=False)


@transaction.atomic
def populate(organizations, people, rng: random.Random | None = None) -> dict[str, int]:
    """Create the bank in the top organization, one open quiz and one closed quiz whose results
    come from about two thirds of the party members among `people`."""
    rng = rng or random.Random(2026)
    orgs = _as_list(organizations)
    root = min(orgs, key=lambda o: (o.depth, o.path))
    members = [
        p
        for p in _as_list(people)
        if p.is_party_member and p.status == "active" and p.primary_org.path.startswith(root.path)
    ]
    created = _bank(root)
    bank = list(Question.objects.filter(organization=root, is_active=True).prefetch_related("tags"))
    now = timezone.now()
    Quiz.objects.create(
        title="学习《中国共产党章程》知识测试",
        description="全县党员参加，每人随机抽取10道题，限时20分钟，可作答2次，取最高分。",
        organization=root,
        audience=Audience.SUBTREE,
        audience_org=root,
        selection=Selection.RANDOM,
        draw_easy=4,
        draw_medium=4,
        draw_hard=2,
        points_per_question=10,
        pass_score=60,
        time_limit_minutes=20,
        max_attempts=2,
        grading_rule=GradingRule.HIGHEST,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        status=QuizStatus.PUBLISHED,
        published_at=now - timedelta(days=1),
    )
    branch_rules = [
        q
        for q in bank
        if {t.name for t in q.tags.all()} & {"三会一课", "支部工作条例", "组织生活", "党员教育管理"}
    ][:10]
    closed = Quiz.objects.create(
        title="“三会一课”与党员教育管理知识测试",
        description="全县党员参加，10道题，每题10分，60分及格。",
        organization=root,
        audience=Audience.SUBTREE,
        audience_org=root,
        selection=Selection.FIXED,
        points_per_question=10,
        pass_score=60,
        time_limit_minutes=15,
        max_attempts=1,
        review_policy=ReviewPolicy.AFTER_CLOSE,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=20),
        status=QuizStatus.PUBLISHED,
        published_at=now - timedelta(days=31),
    )
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=closed, question=q, position=i) for i, q in enumerate(branch_rules, 1)]
    )
    takers = rng.sample(members, k=len(members) * 2 // 3) if members else []
    for person in takers:
        _simulate(closed, person, branch_rules, rng)
    return {"questions": len(created), "quizzes": 2, "results": len(takers)}


def people_in(organizations: Iterable) -> list:
    """The active people of the organizations' subtrees (a helper for callers without a list)."""
    from grassroots.core.permissions import subtree_q
    from grassroots.orgs.models import Person

    root = min(_as_list(organizations), key=lambda o: (o.depth, o.path))
    return list(
        Person.objects.filter(
            subtree_q("primary_org__path", root.path), status="active"
        ).select_related("primary_org")
    )


def _demo_step(context) -> None:
    organizations = list(context.organizations.values())
    populate(organizations, people_in(organizations), context.rng)


def register() -> None:
    from grassroots.core.registry import DemoStep, demo_steps

    demo_steps.register(DemoStep("quizzes", 30, _demo_step))
