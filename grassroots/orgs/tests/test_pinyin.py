import pytest

from grassroots.orgs.pinyin import pinyin_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张海生", "zhanghaisheng", "zhs"),
        ("曾国藩", "zengguofan", "zgf"),  # surname reading, not céng
        ("单雄信", "shanxiongxin", "sxx"),
        ("解缙", "xiejin", "xj"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("尉迟敬德", "yuchijingde", "ycjd"),
        ("  李 明 ", "liming", "lm"),
        ("王A", "wanga", "wa"),
        ("Tom Lee", "tomlee", "tl"),
        ("阿依古丽·Ali", "ayiguliali", "aygla"),
        ("", "", ""),
    ],
)
def test_pinyin_keys(name, full, initials):
    assert pinyin_keys(name) == (full, initials)
