"""The materials library: publishing each kind, tags typed on the fly, uploads refused for their
content or size, and who may write where."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.study.enums import MaterialKind
from grassroots.study.models import Material, MaterialTag
from grassroots.study.services import library as services

from .library_factories import member, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(county, make_user):
    return make_user("committee_admin", county.justice)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def publish(actor, organization, **kwargs):
    kwargs.setdefault("title", "党章学习资料")
    kwargs.setdefault("kind", MaterialKind.NOTE)
    kwargs.setdefault("body", "第一章 党员")
    return services.material_create(organization=organization, actor=actor, **kwargs)


def test_publish_a_document_keeps_its_kind_and_name_not_its_path(county, manager):
    material = publish(
        manager,
        county.justice,
        kind=MaterialKind.DOCUMENT,
        file=pdf_upload("../../二十大报告.pdf"),
        body="ignored for a document",
        link="https://example.org",
    )
    material.refresh_from_db()
    assert material.file_kind == "pdf"
    assert material.original_name == "二十大报告.pdf"
    assert material.file.name.startswith("study/materials/") and material.file.name.endswith(".pdf")
    assert "二十大" not in material.file.name
    assert material.body == "" and material.link == ""
    assert material.created_by == manager


def test_publish_a_word_document(county, manager):
    upload = SimpleUploadedFile("讲话.docx", docx_bytes())
    material = publish(manager, county.justice, kind=MaterialKind.DOCUMENT, file=upload)
    assert material.file_kind == "docx"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "不符"),
        ("readme.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "不符"),
        ("fake.docx", b"PK\x03\x04 not really a zip", "不符"),
        ("virus.exe", b"MZ\x90\x00", "不支持"),
        ("empty.pdf", b"", "空"),
    ],
)
def test_uploads_are_judged_by_content(county, manager, name, content, message):
    with pytest.raises(ValidationError) as caught:
        publish(
            manager,
            county.justice,
            kind=MaterialKind.DOCUMENT,
            file=SimpleUploadedFile(name, content),
        )
    assert message in " ".join(caught.value.message_dict["file"])
    assert not Material.objects.exists()


def test_a_document_over_20_mb_is_refused(county, manager):
    with pytest.raises(ValidationError) as caught:
        publish(
            manager,
            county.justice,
            kind=MaterialKind.DOCUMENT,
            file=pdf_upload(size=services.MATERIAL_MAX_BYTES + 1),
        )
    assert "20 MB" in caught.value.message_dict["file"][0]
    assert not Material.objects.exists()


def test_each_kind_needs_its_content(county, manager):
    cases = [
        ({"kind": MaterialKind.DOCUMENT}, "file"),
        ({"kind": MaterialKind.LINK, "link": ""}, "link"),
        ({"kind": MaterialKind.LINK, "link": "javascript:alert(1)"}, "link"),
        ({"kind": MaterialKind.NOTE, "body": "  \n "}, "body"),
        ({"kind": "video"}, "kind"),
        ({"title": "  "}, "title"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as caught:
            publish(manager, county.justice, **fields)
        assert field in caught.value.message_dict, fields
    assert not Material.objects.exists()


def test_a_link_keeps_only_its_address(county, manager):
    material = publish(
        manager, county.justice, kind=MaterialKind.LINK, link="https://www.12371.cn/", body="x"
    )
    assert material.link == "https://www.12371.cn/" and material.body == ""


def test_tags_are_created_on_the_fly_and_normalized(county, manager):
    material = publish(manager, county.justice, tags="党章，二十大、 ＡＩ  #廉政;党章")
    assert sorted(t.name for t in material.tags.all()) == sorted(["党章", "二十大", "ai", "廉政"])
    again = publish(manager, county.justice, tags="党章 新标签")
    assert MaterialTag.objects.filter(name="党章").count() == 1
    assert {t.name for t in again.tags.all()} == {"党章", "新标签"}


def test_too_many_or_too_long_tags_are_refused(county, manager):
    with pytest.raises(ValidationError) as caught:
        publish(manager, county.justice, tags=" ".join(f"标签{i}" for i in range(11)))
    assert "tags" in caught.value.message_dict
    with pytest.raises(ValidationError):
        publish(manager, county.justice, tags="很" * 31)
    assert not Material.objects.exists() and not MaterialTag.objects.exists()


def test_who_may_publish_where(county, make_user, manager):
    publish(manager, county.branch2)  # below the committee
    with pytest.raises(PermissionDenied):
        publish(manager, county.town)  # beside it
    with pytest.raises(PermissionDenied):
        publish(manager, county.root)  # above it
    secretary = make_user("branch_secretary", county.branch1)
    publish(secretary, county.branch1)
    with pytest.raises(PermissionDenied):
        publish(secretary, county.justice)
    with pytest.raises(PermissionDenied):
        publish(member(make_user, county.branch1), county.branch1)


def test_replacing_the_file_deletes_the_old_one_after_commit(
    county, manager, django_capture_on_commit_callbacks
):
    material = publish(
        manager, county.justice, kind=MaterialKind.DOCUMENT, file=pdf_upload("一.pdf")
    )
    storage = material.file.storage
    old = material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            material=material,
            title="新版",
            kind=MaterialKind.DOCUMENT,
            file=SimpleUploadedFile("二.txt", "学习要点\n".encode()),
            actor=manager,
        )
    material.refresh_from_db()
    assert material.file_kind == "txt" and material.original_name == "二.txt"
    assert not storage.exists(old) and storage.exists(material.file.name)
    # Becoming a note drops the file too.
    current = material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            material=material, title="新版", kind=MaterialKind.NOTE, body="正文", actor=manager
        )
    material.refresh_from_db()
    assert not material.file and material.file_kind == "" and not storage.exists(current)


def test_editing_keeps_the_file_when_none_is_given(county, manager):
    material = publish(manager, county.justice, kind=MaterialKind.DOCUMENT, file=pdf_upload())
    services.material_update(
        material=material, title="改名", kind=MaterialKind.DOCUMENT, tags="新", actor=manager
    )
    material.refresh_from_db()
    assert material.title == "改名" and material.file_kind == "pdf"
    assert [t.name for t in material.tags.all()] == ["新"]


def test_moving_a_material_needs_both_organizations(county, make_user, manager):
    material = publish(manager, county.branch1)
    with pytest.raises(PermissionDenied):
        services.material_update(
            material=material,
            organization=county.town,
            title="x",
            kind=MaterialKind.NOTE,
            body="y",
            actor=manager,
        )
    services.material_update(
        material=material,
        organization=county.branch2,
        title="x",
        kind=MaterialKind.NOTE,
        body="y",
        actor=manager,
    )
    material.refresh_from_db()
    assert material.organization == county.branch2


def test_delete_removes_the_file_and_keeps_reflections(
    county, manager, make_user, django_capture_on_commit_callbacks
):
    from .library_factories import ReflectionFactory

    material = publish(manager, county.justice, kind=MaterialKind.DOCUMENT, file=pdf_upload())
    author = member(make_user, county.branch1)
    reflection = ReflectionFactory(person=author.person, material=material)
    storage, name = material.file.storage, material.file.name
    with pytest.raises(PermissionDenied):
        services.material_delete(
            material=material, actor=make_user("branch_secretary", county.town)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material, actor=manager)
    assert not Material.objects.exists() and not storage.exists(name)
    reflection.refresh_from_db()
    assert reflection.material is None


def test_dissolved_organizations_receive_nothing(county, manager):
    county.branch2.status = "dissolved"
    county.branch2.save()
    with pytest.raises(ValidationError):
        publish(manager, county.branch2)
