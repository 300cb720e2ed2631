"""Pinyin keys for searching people by name: full pinyin and initials (张海生 → zhanghaisheng, zhs).

Surnames have their own readings: 曾 is zēng, not céng; 单 is shàn; 解 is xiè. pypinyin
reads characters as common words, so the surname (one or two characters) is read from
the table below first, and the given name by pypinyin.
"""

import re

from pypinyin import lazy_pinyin

# Compound surnames first: they are matched before single ones.
COMPOUND_SURNAMES = {
    "尉迟": ["yu", "chi"],
    "长孙": ["zhang", "sun"],
    "万俟": ["mo", "qi"],
    "单于": ["chan", "yu"],
    "澹台": ["tan", "tai"],
    "欧阳": ["ou", "yang"],
    "司马": ["si", "ma"],
    "诸葛": ["zhu", "ge"],
    "上官": ["shang", "guan"],
    "令狐": ["ling", "hu"],
    "皇甫": ["huang", "fu"],
    "公孙": ["gong", "sun"],
    "东方": ["dong", "fang"],
    "慕容": ["mu", "rong"],
    "宇文": ["yu", "wen"],
    "夏侯": ["xia", "hou"],
}
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "覃": "qin",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "缪": "miao",
    "盖": "ge",
    "沈": "shen",
    "秘": "bi",
    "召": "shao",
    "种": "chong",
    "繁": "po",
    "员": "yun",
    "句": "gou",
    "尉": "yu",
    "翟": "zhai",
    "蕃": "pi",
    "冼": "xian",
    "洗": "xian",
    "柏": "bai",
    "薄": "bo",
    "卜": "bu",
    "重": "chong",
    "厍": "she",
    "祭": "zhai",
    "华": "hua",
    "任": "ren",
    "宁": "ning",
    "纪": "ji",
    "贲": "ben",
    "隗": "wei",
    "逄": "pang",
    "阚": "kan",
    "眭": "sui",
    "訾": "zi",
    "郇": "huan",
    "相": "xiang",
    "折": "she",
    "燕": "yan",
    "过": "guo",
    "石": "shi",
    "黑": "he",
    "藏": "zang",
    "那": "na",
}


def name_syllables(name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    elif name[0] in SURNAMES:
        head, rest = [SURNAMES[name[0]]], name[1:]
    else:
        head, rest = [], name
    # Latin letters in a name (Tom Lee, 阿依古丽·Ali) are kept as words of their own.
    syllables = lazy_pinyin(rest, errors=lambda chars: re.findall(r"[A-Za-z]+", chars) or None)
    return head + [s for s in syllables if s and s.isascii() and s.isalpha()]


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, for the name search."""
    syllables = [s.lower() for s in name_syllables(name) if s]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalpha())
    return full[:160], initials[:40]


__all__ = ["pinyin_keys", "name_syllables"]
