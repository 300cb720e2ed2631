"""Stub: replaced by its owner (the demo's secondment program)."""


def register() -> None:
    pass
