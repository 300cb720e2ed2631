"""The interface in English and Traditional Chinese: complete catalogs, translated pages, dates.

The pages need the compiled catalogs (locale/*/LC_MESSAGES/django.mo), which `make test` builds
from the .po files through the locale/.compiled target.
"""

import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from grassroots.orgs.models import Organization, OrganizationKind, Person
from grassroots.orgs.tests.factories import PersonFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
# CJK characters and full-width punctuation; the ideographic space (U+3000) indents option lists.
CJK = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sd]")
# The language switcher names each language in itself.
LANGUAGE_NAMES = ["简体中文", "繁體中文"]
# The people search placeholder shows a sample Chinese name: people's names are Chinese.
SAMPLE_NAMES = ["张海生"]


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def cjk_left(html: str, data: list[str]) -> list[str]:
    """The snippets of CJK text that remain once data (names) and language names are removed."""
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    for text in sorted(
        {t for t in data + LANGUAGE_NAMES + SAMPLE_NAMES if t}, key=len, reverse=True
    ):
        html = html.replace(text, "")
    return [html[max(m.start() - 40, 0) : m.end() + 40] for m in CJK.finditer(html)]


def page_data(user) -> list[str]:
    """Names that are data rather than interface: organizations, kinds, people, the user."""
    data = [user.get_full_name(), user.username]
    for name, short_name in Organization.objects.values_list("name", "short_name"):
        data += [name, short_name]
    data += list(OrganizationKind.objects.values_list("name", flat=True))
    data += list(Person.objects.values_list("name", flat=True))
    return data


@pytest.fixture
def secretary(county, make_user):
    user = make_user("committee_admin", county.justice)
    PersonFactory(primary_org=county.branch1, name="王小明")
    PersonFactory(primary_org=county.branch2, name="李红")
    return user


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def chinese_left_on(client, url: str, data: list[str], *, status: int = 200) -> list[str]:
    """The Chinese left on a page that `client` asks for in English, once `data` is removed."""
    response = english(client).get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert '<html lang="en">' in html
    return cjk_left(html, data)


# --- Catalogs ---------------------------------------------------------------


def test_english_catalog_is_complete():
    po = catalog("en")
    assert len(po) > 100
    assert not po.metadata_is_fuzzy
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []


def test_english_keeps_every_placeholder():
    wrong = []
    for entry in catalog("en"):
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        outputs = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural:
            assert len(outputs) == 2, entry.msgid
        wrong += [
            (entry.msgid, out) for out in outputs if sorted(PLACEHOLDER.findall(out)) != expected
        ]
    assert wrong == []


def test_english_has_no_chinese_left():
    # Chinese may remain only where it names something the user sees in Chinese: the sheet and
    # column names of the roster and question templates, a sample person's name, the 休/班
    # keywords of the official holiday schedule that the calendar import reads, and the values
    # typed into the question template's type, difficulty and true/false cells.
    question_template = ["“题型”", "“难度”", "“题干”", "“正确答案”", "“填写说明”"]
    question_values = ["“单选题”", "“多选题”", "“判断题”", "“填空题”", "“易”", "“中”", "“难”"]
    true_false = ["“正确”", "“错误”"]
    allowed = {
        "填写说明",
        "组织代码",
        "姓名",
        "身份证号",
        "“休”",
        "“班”",
        *question_template,
        *question_values,
        *true_false,
        *SAMPLE_NAMES,
    }
    leftovers = []
    for entry in catalog("en"):
        for out in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            for text in allowed:
                out = out.replace(text, "")
            if CJK.search(out):
                leftovers.append((entry.msgid, out))
    assert leftovers == []


def test_traditional_catalog_is_complete_and_converted():
    po = catalog("zh_Hant")
    assert len(po) == len(catalog("en"))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags] == []
    by_id = {e.msgid: e.msgstr for e in po}
    assert by_id["组织与人员"] == "組織與人員"
    assert by_id["身份证号"] == "身份證號"


# --- Pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english(client):
    response = english(client).get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Mobile number or staff ID" in html
    assert "Forgot your password?" in html
    assert cjk_left(html, []) == []


def test_people_list_in_english(client, secretary):
    client.force_login(secretary)
    response = english(client).get(reverse("orgs:people"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "People",
        "Organizations",
        "Political status",
        "CPC member",
        "Non-affiliated",
        "Filter",
        "Log out",
    ]:
        assert text in html, text
    assert "2 people" in html
    assert "王小明" in html  # data stays as it is
    assert cjk_left(html, page_data(secretary)) == []


def test_organization_tree_in_english(client, secretary):
    client.force_login(secretary)
    response = english(client).get(reverse("orgs:tree"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Organization structure",
        "Search by organization name or code",
        "Show dissolved",
        "Language",
    ]:
        assert text in html, text
    assert "县司法局党总支" in html
    assert cjk_left(html, page_data(secretary)) == []


def test_language_switch_by_posting_to_setlang(client, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("orgs:tree")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("orgs:tree")
    assert "Organization structure" in response.content.decode()


def test_accept_language_header_chooses_english(client, secretary):
    client.force_login(secretary)
    html = client.get(reverse("orgs:tree"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Organization structure" in html


def test_traditional_chinese_pages(client, secretary):
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    html = client.get(reverse("orgs:people")).content.decode()
    assert '<html lang="zh-hant">' in html
    assert "組織" in html
    assert "人員" in html
    assert "政治面貌" in html
    assert "组织架构" not in client.get(reverse("orgs:tree")).content.decode()


def test_default_language_is_simplified_chinese(client, secretary):
    client.force_login(secretary)
    html = client.get(reverse("orgs:tree")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "组织架构" in html
    assert "組織" not in html
    assert "Organization structure" not in html


# --- Dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "2026年11月25日"), ("zh-hant", "2026年11月25日"), ("en", "Nov. 25, 2026")],
)
def test_date_format(language, expected):
    template = Template('{{ d|date:"DATE_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"d": date(2026, 11, 25)})) == expected
