"""Judging answers: normalization of fill-in-the-blank, every question type, partial credit."""

import pytest

from grassroots.quizzes.grading import answer_text, fingerprint, judge, normalize


@pytest.mark.parametrize(
    "given,expected",
    [
        ("  ＰＡＲＴＹ　Ｃｏｎｓｔｉｔｕｔｉｏｎ ", "party constitution"),
        ("３２学时", "32学时"),
        ("Ａｂｃ", "abc"),
        ("a   b\tc", "a b c"),
        (None, ""),
    ],
)
def test_normalize_folds_width_case_and_spaces(given, expected):
    assert normalize(given) == expected


def test_fingerprint_ignores_option_order_width_and_spaces():
    a = fingerprint("single", "党的最高领导机关是？", ["党的全国代表大会", "中央委员会"])
    b = fingerprint("single", " 党的最高领导机关是？ ", ["中央委员会", "党的全国代表大会"])
    assert a == b
    assert a != fingerprint("multiple", "党的最高领导机关是？", ["党的全国代表大会", "中央委员会"])
    assert a != fingerprint(
        "single", "党的最高领导机关是什么？", ["党的全国代表大会", "中央委员会"]
    )


def test_single_choice():
    assert judge("single", [1], [1], 5).score == 5
    wrong = judge("single", [1], [2], 5)
    assert (wrong.answered, wrong.correct, wrong.score) == (True, False, 0)
    empty = judge("single", [1], [], 5)
    assert (empty.answered, empty.score) == (False, 0)


def test_multiple_choice_is_all_or_nothing_by_default():
    assert judge("multiple", [0, 2], [2, 0], 10).score == 10
    assert judge("multiple", [0, 2], [0], 10).score == 0
    assert judge("multiple", [0, 2], [0, 1, 2], 10).score == 0


def test_multiple_choice_partial_credit_for_a_subset_without_a_wrong_option():
    partly = judge("multiple", [0, 2, 3], [0, 3], 10, partial_credit=True)
    assert (partly.correct, partly.score) == (False, 5)
    with_wrong = judge("multiple", [0, 2, 3], [0, 1], 10, partial_credit=True)
    assert with_wrong.score == 0
    # Rounded down: half of 5 points is 2.
    assert judge("multiple", [0, 1], [0], 5, partial_credit=True).score == 2
    assert judge("multiple", [0, 1], [0, 1], 5, partial_credit=True).score == 5


def test_true_false():
    assert judge("true_false", [True], [True], 2).correct
    assert not judge("true_false", [True], [False], 2).correct


def test_fill_blank_accepts_any_listed_answer_after_normalization():
    key = [["季度", "个季度"], ["32", "三十二"]]
    assert judge("fill_blank", key, [" 季度 ", "３２"], 4).score == 4
    assert judge("fill_blank", key, ["个季度", "三十二"], 4).correct
    assert not judge("fill_blank", key, ["月", "32"], 4).correct
    assert not judge("fill_blank", key, ["季度"], 4).correct
    assert not judge("fill_blank", key, ["", " "], 4).answered
    assert judge("fill_blank", [["CPC"]], ["ｃｐｃ"], 1).correct


def test_answer_text_follows_the_order_shown():
    assert answer_text("multiple", [0, 2], ["甲", "乙", "丙"], [2, 0, 1]) == "AB"
    assert answer_text("single", [1], ["甲", "乙"]) == "B"
    assert answer_text("true_false", [False], []) == "错误"
    assert answer_text("fill_blank", [["季度", "个季度"]], []) == "季度 / 个季度"
