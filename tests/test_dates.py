from datetime import date

import pytest

from pipeline.normalize.dates import normalize_date

ANCHOR = date(2021, 12, 23)


@pytest.mark.parametrize("text,value,granularity", [
    ("Wednesday (December 22", "2021-12-22", "day"),
    ("Wednesday", "2021-12-22", "day"),
    ("last month", "2021-11", "month"),
    ("the end of November", "2021-11", "month"),
    ("between July and September 2021", "2021-07/2021-09", "range"),
    ("recently", "PAST_REF", "none"),
    ("July 2020", "2020-07", "month"),
    ("July 14, 2021", "2021-07-14", "day"),
    ("2014", "2014", "year"),
    ("three days ago", "2021-12-20", "day"),
    ("last week", "2021-W50", "week"),
    ("yesterday", "2021-12-22", "day"),
    ("April", "2021-04", "month"),
    ("the 1990s", "199", "year"),
])
def test_values_against_publication_date(text, value, granularity):
    timex = normalize_date(text, ANCHOR)
    assert timex is not None and (timex.value, timex.granularity) == (value, granularity)


def test_two_digit_wire_years_and_month_without_year():
    assert normalize_date("4 FEB 90", date(1990, 2, 5)).value == "1990-02-04"
    # December mentioned in a January article is last year's December.
    assert normalize_date("December 30", date(2022, 1, 3)).value == "2021-12-30"


def test_without_publication_date_unknown_year_is_x():
    assert normalize_date("Wednesday (December 22", None).value == "XXXX-12-22"
    assert normalize_date("last month", None) is None


def test_durations_and_junk_are_not_dates():
    assert normalize_date("", ANCHOR) is None
    assert normalize_date("a month", ANCHOR) is None
