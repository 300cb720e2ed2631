"""The django-ninja API under /api/v1/: token auth, the same permission scoping as the pages."""

from .main import api

__all__ = ["api"]
