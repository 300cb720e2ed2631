"""Plans, sessions, attendance, self-study and the hours ledger."""

urlpatterns: list = []
