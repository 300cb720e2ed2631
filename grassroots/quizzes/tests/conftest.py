import pytest
from django.utils import timezone

from .factories import Clock, QuestionFactory


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, set and moved by the test."""
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def bank(county):
    """A small bank of the county: two questions of each type at each difficulty."""
    questions = []
    for qtype in ("single", "multiple", "true_false", "fill_blank"):
        for level in (1, 2, 3):
            for n in range(2):
                questions.append(
                    QuestionFactory(
                        organization=county.root,
                        qtype=qtype,
                        difficulty=level,
                        stem=f"{qtype}-{level}-{n}：题干",
                        tags=["党章"] if n == 0 else ["三会一课"],
                    )
                )
    return questions


@pytest.fixture
def bearer():
    from grassroots.accounts.tokens.services import token_create

    def make(user) -> dict[str, str]:
        _token, raw = token_create(name="test", actor=user)
        return {"Authorization": f"Bearer {raw}"}

    return make
