from django.db import migrations

# Up to 2 working days the host leader; more than 2 also the group leader; more than 5 also
# the organizing body. The system admin may change them; a program may have its own.
DEFAULTS = ((1, "host_leader", 0), (2, "group_leader", 2), (3, "organizer", 5))


def install(apps, schema_editor):
    LeaveRule = apps.get_model("cadres", "LeaveRule")
    if LeaveRule.objects.filter(program__isnull=True).exists():
        return
    LeaveRule.objects.bulk_create(
        LeaveRule(program=None, level=level, approver=approver, above_days=above, rank="")
        for level, approver, above in DEFAULTS
    )


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
