"""The time left as it is, with the plural forms of each language."""

from datetime import timedelta

import pytest

from locales import time_left


@pytest.mark.parametrize(
    ("left", "english", "korean"),
    [
        (timedelta(seconds=20), "in 1 minute", "1분 후"),
        (timedelta(minutes=1), "in 1 minute", "1분 후"),
        (timedelta(minutes=2), "in 2 minutes", "2분 후"),
        (timedelta(minutes=59, seconds=20), "in 59 minutes", "59분 후"),
        (timedelta(minutes=60), "in 1 hour", "1시간 후"),
        (timedelta(hours=23, minutes=59, seconds=59), "in 24 hours", "24시간 후"),
        (timedelta(hours=24), "in 24 hours", "24시간 후"),
    ],
)
def test_time_left_says_minutes_under_an_hour_and_hours_above(left, english, korean):
    assert time_left("en", left) == english
    assert time_left("ko", left) == korean
