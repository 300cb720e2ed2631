"""The roster import step of the benchmark: 10,000 new people in one .xlsx, dry run, then confirm.

The file is written by the roster package's own export writer, from unsaved people, so it has
exactly the columns and labels a user's file would have. The rows go to branches and groups of
the secretary's subtree, whose user imports them through the services (upload, preview, confirm).
"""

from __future__ import annotations

import time

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run(data, rows: int, log) -> tuple[str, str]:
    from django.db import connection, transaction

    from grassroots.accounts.models import User
    from grassroots.orgs.demo import PersonMaker
    from grassroots.orgs.models import Organization, Person
    from grassroots.orgs.roster import selectors as roster_selectors
    from grassroots.orgs.roster import services as roster_services
    from grassroots.orgs.roster import workbooks

    missing = [
        name
        for module, name in (
            (roster_services, "roster_upload"),
            (roster_services, "roster_confirm"),
            (roster_selectors, "roster_preview"),
            (workbooks, "write_export"),
        )
        if not hasattr(module, name)
    ]
    if missing:
        return "skipped", f"the roster package has no {', '.join(missing)} yet"

    user = User.objects.get(pk=data.secretary_id)
    subtree = Organization.objects.get(pk=data.subtree_id)
    targets = list(
        Organization.objects.filter(
            path__startswith=subtree.path, kind__code__in=["branch", "party_group"]
        ).order_by("path")
    )
    maker = PersonMaker(seed=4242, name_pool=2_000)
    # New people: no ID number or mobile that the county already has.
    maker.id_numbers.update(Person.objects.values_list("id_number", flat=True))
    maker.mobiles.update(Person.objects.values_list("mobile", flat=True))
    people = []
    for i in range(rows):
        fields = maker.person("village")
        fields.pop("joined_on")
        fields.pop("rank")
        people.append(Person(primary_org=targets[i % len(targets)], **fields))
    started = time.perf_counter()
    handle = workbooks.write_export(people, [""])
    content = handle.read()
    handle.close()
    write_s = time.perf_counter() - started
    log(f"  roster file: {rows:,} rows, {len(content) / 1024:.0f} KiB, written in {write_s:.1f} s")

    timings, queries = {}, {}

    def step(name, call):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        # A counter, not CaptureQueriesContext: formatting huge bulk INSERTs would skew the time.
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = call()
            timings[name] = time.perf_counter() - started
        queries[name] = count[0]
        return result

    # Everything happens in a transaction that is rolled back at the end, so that a database
    # kept with --keep still has the county of the generator (a commit adds little to 30 s).
    with transaction.atomic():
        result = _import(step, roster_services, roster_selectors, subtree, content, user)
        transaction.set_rollback(True)
    counts, added = result
    for name, seconds in timings.items():
        log(f"  roster {name}: {seconds:.1f} s, {queries[name]} queries")
    summary = ", ".join(
        f"{name} {seconds:.1f} s ({queries[name]} queries)" for name, seconds in timings.items()
    )
    verdict = "ok" if added == rows and not counts.get("error") else "**check**"
    return (
        verdict,
        f"{summary}; plan {counts}; {added:,} people added (then rolled back). Writing the file itself: {write_s:.1f} s.",
    )


def _import(step, roster_services, roster_selectors, subtree, content, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grassroots.orgs.models import Person

    before = Person.objects.count()
    upload = step(
        "upload",
        lambda: roster_services.roster_upload(
            organization=subtree,
            uploaded_file=SimpleUploadedFile("bench.xlsx", content, XLSX),
            actor=user,
        ),
    )
    stored, storage = upload.file.name, upload.file.storage
    plan = step("dry run", lambda: roster_selectors.roster_preview(user, upload))
    counts = plan.counts
    step("confirm", lambda: roster_services.roster_confirm(roster_import=upload, actor=user))
    storage.delete(stored)  # the confirmation deletes it on commit, and there is no commit
    return counts, Person.objects.count() - before
