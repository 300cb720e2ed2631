"""Refresh the message catalogs.

- Extract every translatable string (msgids are Simplified Chinese) into locale/en and
  locale/zh_Hant with Django's makemessages (needs GNU gettext: apt-get install gettext).
- Fill zh_Hant by converting each msgid from Simplified to Traditional with OpenCC: s2tw
  gives the usual character forms (為, 啟, 群眾) without Taiwan phrasing (that is s2twp).
- Report English entries still untranslated or fuzzy; those are written by hand.
"""

import subprocess
import sys
from pathlib import Path

import polib
from opencc import OpenCC

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [".venv", "node_modules", "static/vendor", "staticfiles", "var", "bench", "tests"]


def run_makemessages() -> None:
    cmd = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "en",
        "-l",
        "zh_Hant",
        "--no-obsolete",
    ]
    for pattern in IGNORE:
        cmd += ["--ignore", pattern]
    subprocess.run(cmd, cwd=ROOT, check=True)


def fill_traditional() -> int:
    converter = OpenCC("s2tw")
    po = polib.pofile(str(ROOT / "locale/zh_Hant/LC_MESSAGES/django.po"))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
        else:
            entry.msgstr = converter.convert(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # msgmerge's guess (the msgid it matched fuzzily) is stale once the entry is regenerated.
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    po.metadata["Language"] = "zh_Hant"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata_is_fuzzy = False
    po.save()
    return len(po)


def report_english() -> int:
    po = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    # A fresh catalog's header is marked fuzzy, and msgfmt-compatible compilers then drop the
    # header (and with it Plural-Forms), so it is cleared here once and for all.
    if po.metadata_is_fuzzy or po.metadata.get("Language") != "en":
        po.metadata_is_fuzzy = False
        po.metadata["Language"] = "en"
        po.save()
    missing = [e for e in po if not e.translated() or "fuzzy" in e.flags]
    for entry in missing[:50]:
        print(f"  untranslated (en): {entry.msgid!r}")
    print(f"en: {len(po)} entries")
    return len(missing)


def main() -> None:
    run_makemessages()
    print(f"zh_Hant: {fill_traditional()} entries converted with OpenCC")
    missing = report_english()
    print(f"en: {missing} entries untranslated" if missing else "en: complete")


if __name__ == "__main__":
    main()
