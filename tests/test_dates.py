from datetime import date

import pytest

from pipeline.normalize.dates import Timex, infer_publication_window, normalize_date

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


def test_durations_sets_and_junk():
    assert normalize_date("", ANCHOR) is None
    assert normalize_date("6-year-old", ANCHOR) is None
    assert normalize_date("44", ANCHOR) is None  # an age beside a name, not 1944
    assert normalize_date("a month", ANCHOR) == Timex("P1M", "none", "DURATION")
    assert normalize_date("the past two years", ANCHOR) == Timex("P2Y", "none", "DURATION")
    assert normalize_date("daily", ANCHOR) == Timex("P1D", "none", "SET")


@pytest.mark.parametrize("text,anchor,value", [
    ("the third quarter", date(1989, 10, 25), "1989-Q3"),
    ("fourth-quarter", date(1990, 2, 1), "1989-Q4"),
    ("the quarter", date(1989, 10, 25), "1989-Q3"),
    ("the first half of 1990", date(1990, 9, 1), "1990-H1"),
    ("last fall", date(1999, 3, 1), "1998-FA"),
    ("last November", date(1989, 10, 25), "1988-11"),
    ("January", date(1989, 11, 20), "1990-01"),  # two months ahead: the coming January
    ("mid-June", date(1989, 10, 25), "1989-06"),
    ("the weekend", date(1998, 8, 17), "1998-W33-WE"),
    ("now", date(1998, 8, 17), "PRESENT_REF"),
])
def test_quarters_seasons_and_months(text, anchor, value):
    assert normalize_date(text, anchor).value == value


def test_tense_sets_the_direction_of_a_weekday():
    monday = date(2000, 4, 3)
    assert normalize_date("Tuesday", monday).value == "2000-03-28"
    assert normalize_date("Tuesday", monday, tense="future").value == "2000-04-04"


def test_year_ago_shifts_the_quarter_in_focus():
    focus = Timex("1989-Q3", "range")
    assert normalize_date("a year earlier", date(1989, 10, 25), reference=focus).value == "1988-Q3"
    assert normalize_date("a year earlier", date(1989, 10, 25)).value == "1988"


def test_publication_window_from_a_weekday_with_a_date():
    window = infer_publication_window(["between July and September 2021", "Wednesday (December 22", "last month"])
    assert window is not None and window.start == date(2021, 12, 22)
    assert "Wednesday" in window.evidence
    assert infer_publication_window(["last month", "two weeks"]) is None


def test_undated_article_is_resolved_against_the_inferred_window(annotate):
    doc = annotate("TTP carried out 44 attacks between July and September 2021. On Wednesday (December 22) "
                   "militants attacked a checkpoint in Bannu. The group said last month that it would expand "
                   "its campaign.")
    values = {ent.text: ent._.timex.value for ent in doc.ents if ent.label_ == "DATE" and ent._.timex}
    assert values["last month"] == "2021-11"
    assert values["Wednesday (December 22)"] == "2021-12-22"
    assert any("inferred publication window 2021-12-22" in w for w in doc._.warnings)


def test_reference_words_become_dates_and_possessives_are_dropped(annotate):
    doc = annotate("Prices are now higher than last year's level, officials said.", published="1998-08-17")
    dates = {ent.text: ent._.timex.value for ent in doc.ents if ent.label_ == "DATE"}
    assert dates.get("now") == "PRESENT_REF"
    assert dates.get("last year") == "1997"


def test_date_spans_leave_out_the_signal_and_join_a_weekday_to_its_date(annotate):
    doc = annotate("The raids rose between March and May 2022, and on Friday (June 3) a bomb "
                   "killed two. On SUNDAY, 12 JUNE the army left; on Monday, nearly two months later, it came back.",
                   published="2022-06-14")
    dates = {e.text: e._.timex for e in doc.ents if e.label_ == "DATE"}
    assert dates["March and May 2022"].value == "2022-03/2022-05"
    assert dates["Friday (June 3)"].value == "2022-06-03"
    assert "SUNDAY, 12 JUNE" in dates
    # A weekday before a length of time is not that date: "Monday" and "nearly two months" stay apart.
    assert not [text for text in dates if text.startswith("Monday,")]
    doc = annotate("Militants attack the convoys daily, officials said on Monday.", published="2022-06-14")
    assert [e.text for e in doc.ents if e.label_ == "DATE"] == ["Monday"]


def test_a_time_of_day_on_the_24_hour_clock_is_no_year(annotate):
    # Wire copy writes times of day as four digits, which the NER takes for years: "AT 1830" is half past six
    # in the evening, and no date of the attack.
    doc = annotate("URBAN COMMANDOS ATTACKED THE 1ST INFANTRY BRIGADE HEADQUARTERS AT 1830 ON THURSDAY, 25 MAY.",
                   published="1990-05-26")
    times = {e.text: e._.timex.value for e in doc.ents if e.label_ == "TIME"}
    assert times == {"1830": "XXXX-XX-XXT18:30"}
    (attack,) = doc._.events
    assert [a.span.text for a in attack.arguments if a.role == "date"] == ["THURSDAY, 25 MAY"]
    doc = annotate("THE BOMB EXPLODED AT APPROXIMATELY 2145 IN LIMA.", published="1990-05-26")
    assert not [e for e in doc.ents if e.label_ == "DATE"]
    # A year stays a year: after "in", or with no sign of a clock; four digits past the 59th minute are no time.
    doc = annotate("The church, built in 1830, was bombed in 1950 and again at 1989 prices.", published="1990-05-26")
    assert [(e.text, e._.timex.value) for e in doc.ents if e.label_ == "DATE" and e.text.isdigit()] == \
        [("1830", "1830"), ("1950", "1950"), ("1989", "1989")]


def test_a_length_of_time_is_no_events_date(annotate):
    from pipeline.doc_to_record import doc_to_record
    from pipeline.ingest import ArticleLimits, make_article

    def event_dates(text):
        record = doc_to_record(annotate(text, published="1990-05-26"),
                               make_article(text, "t", ArticleLimits(), article_id="t", published="1990-05-26"))
        return [(e.date.text, e.date.value) if e.date else None for e in record.events]

    # "for 30 years" says how long, not when: the attack has no date rather than a wrong one.
    assert event_dates("Guerrillas who have fought the army for 30 years attacked a bus in Lima.") == [None]
    assert event_dates("Guerrillas who have fought the army for 30 years attacked a bus in Lima on Friday.") == \
        [("Friday", "1990-05-25")]
