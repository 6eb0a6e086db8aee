"""Sentences with a count take the language's plural form (Babel's CLDR rules), never "(s)"."""

from locales import catalog, tn


def test_english_chooses_one_or_other_and_korean_has_one_form():
    assert tn("en", "timetable.summary", 1).startswith("1 confirmed meeting.")
    assert tn("en", "timetable.summary", 3).startswith("3 confirmed meetings.")
    assert tn("en", "reopen.done", 1, deadline="x").count("1 automatic meeting was removed") == 1
    assert "2 automatic meetings were removed" in tn("en", "reopen.done", 2, deadline="x")
    assert tn("ko", "timetable.summary", 1).startswith("확정된 상담은 1건입니다.")


def test_every_counted_sentence_has_its_other_form_in_both_languages():
    counted = {key.rsplit(".", 1)[0] for key in catalog("en") if key.endswith(".one")}
    assert counted
    for language in ("ko", "en"):
        assert {key for key in counted if f"{key}.other" not in catalog(language)} == set()
