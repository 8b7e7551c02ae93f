"""Runs last: across the whole suite, no personal data reached a log line (DP-3, DP-8).

Every case the factories create carries a sentinel family name, birth date and narrative;
the suite's log recorder has kept every log line written by every test before this one.
"""
from tests.conftest import LOG_RECORDER
from tests.factories import SENTINEL_FAMILY_NAME, SENTINEL_NARRATIVE


def test_no_personal_data_reached_any_log_line():
    assert LOG_RECORDER.lines, "the recorder saw no log line at all: it is not wired"
    sentinels = (SENTINEL_FAMILY_NAME, SENTINEL_NARRATIVE, "SENTINEL", "1990-05-17")
    leaks = [line for line in LOG_RECORDER.lines
             if any(s.lower() in line.lower() for s in sentinels)]
    assert not leaks, leaks[:5]
