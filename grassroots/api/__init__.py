"""The django-ninja API under /api/v1/: token auth, the same permission scoping as the pages.

`api` is loaded on first use: the apps' routers import the shared parameter types and paging
of this package (grassroots.api.types, .pagination), and the API object imports those routers,
so loading it with the package would make every router's import circular."""


def __getattr__(name: str):
    if name == "api":
        from .main import api

        return api
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["api"]
