"""The instance and schedule files' JSON text: one entry per line, the same as json.dumps."""

import json

import pytest

from matching import json_text

DOCUMENT = {
    "format": "matchbot-schedule/1",
    "meetings": [
        {"buyer": "B1", "seller": '한국 "회사" \\ \n', "slot": "d1s1", "booth": None},
        {"buyer": "B2", "rank": 3, "share": 0.25, "ok": True, "slots": ["d1s1", "d1s2"]},
    ],
    "unscheduled": [],
    "stats": {"mutual": 1, "nested": {"k": [1, 2]}},
}


def test_each_entry_is_one_line_and_the_text_reads_back_as_the_document() -> None:
    text = json_text.dumps(DOCUMENT)

    assert json.loads(text) == DOCUMENT
    lines = text.splitlines()
    for entry in DOCUMENT["meetings"]:
        assert "  " + json.dumps(entry, ensure_ascii=False) in {line.rstrip(",") for line in lines}
    assert "한국" in text  # written as is, not as \\u escapes


def test_a_value_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_text.dumps({"meetings": [{"at": object()}]})
