from django.db import migrations

DEFAULT_KINDS = [
    ("party_committee", "党委", 10, False),
    ("working_committee", "党工委", 20, False),
    ("general_branch", "党总支", 30, False),
    ("branch", "党支部", 40, True),
    ("party_group", "党小组", 50, True),
    ("department", "机关部门", 60, False),
    ("community", "社区", 70, False),
    ("village", "村", 80, False),
    ("enterprise", "企事业单位", 90, False),
]


def add_kinds(apps, schema_editor):
    Kind = apps.get_model("orgs", "OrganizationKind")
    for code, name, order, is_branch in DEFAULT_KINDS:
        Kind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order, "is_party_branch": is_branch})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
