"""The materials library and reflections."""

urlpatterns: list = []
