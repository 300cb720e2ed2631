from django.db import migrations


def install(apps, schema_editor):
    from grassroots.meetings.kinds import ensure_defaults

    ensure_defaults(
        apps.get_model("meetings", "MeetingKind"),
        apps.get_model("meetings", "ComplianceRule"),
        apps.get_model("orgs", "OrganizationKind"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("orgs", "0002_default_kinds"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
