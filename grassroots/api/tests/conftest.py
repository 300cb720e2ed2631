import pytest


@pytest.fixture
def bearer():
    """bearer(user) -> request headers carrying a fresh personal access token of that user."""
    from grassroots.accounts.tokens.services import token_create

    def make(user) -> dict[str, str]:
        _token, raw = token_create(name="test", actor=user)
        return {"Authorization": f"Bearer {raw}"}

    return make
