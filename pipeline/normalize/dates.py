"""TIMEX3 values for date expressions, resolved against the article's publication date.

A rule layer handles what news writes most ("Wednesday (December 22)", "last month",
"the end of November", "between July and September 2021", "4 FEB 90", "recently");
dateparser's ``DateDataParser`` with a relative base takes the rest. Only spans already
marked as dates are fed in, because free-text date search turns "may" into a month.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Optional

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4}|'?\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:,?\s+(?:of\s+)?{_YEAR})?\b")
_YEAR_ONLY = re.compile(r"\b(?P<year>1[89]\d{2}|20\d{2})\b")
_DECADE = re.compile(r"\b(?P<decade>1[89]\d|20\d)0['’]?s\b")
_AGO = re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)\b")
_RELATIVE_UNIT = re.compile(r"\b(?P<which>last|past|previous|this|next|coming|current)\s+(?P<unit>week|month|year)\b")
_RANGE = re.compile(rf"\b(?:between|from)\s+(?P<first>.+?)\s+(?:and|to|until|through)\s+(?P<second>.+)$")
_DURATION = re.compile(r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many|some|\d+)\s+"
                       r"(?:more\s+)?(?:day|week|month|year|hour|minute|decade)s?")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
PAST_WORDS = ("recently", "recent", "the past", "previously", "earlier", "former", "formerly", "once", "lately")
FUTURE_WORDS = ("future", "soon", "months ahead", "years ahead", "weeks ahead", "coming", "upcoming")
PRESENT_WORDS = ("now", "currently", "present", "nowadays", "these days", "this time", "the moment")


@dataclass(frozen=True)
class Timex:
    value: str
    granularity: str  # day | week | month | year | range | none


def normalize_date(text: str, anchor: Optional[date]) -> Optional[Timex]:
    """The TIMEX3 value of a date expression, or None when it cannot be resolved."""
    lowered = " ".join(text.lower().replace("(", " ").replace(")", " ").split())
    lowered = re.sub(r"^(on|in|since|by|until|during|at|the|of)\s+", "", lowered)
    if not lowered or _DURATION.fullmatch(lowered):
        return None  # "a month", "two weeks": durations, not points in time
    span = _RANGE.search(lowered)
    if span:
        return _range(span.group("first"), span.group("second"), anchor)
    return (_explicit(lowered, anchor) or _relative(lowered, anchor) or _reference(lowered)
            or _dateparser(lowered, anchor))


def _year(raw: Optional[str], anchor: Optional[date]) -> Optional[int]:
    if raw is None:
        return None
    raw = raw.lstrip("'")
    if len(raw) == 4:
        return int(raw)
    # Two-digit years: the century that puts the year nearest the anchor (MUC-4: "4 FEB 90").
    century = (anchor.year // 100 * 100) if anchor else 1900
    year = century + int(raw)
    if anchor and year > anchor.year + 10:
        year -= 100
    return year


def _infer_year(month: int, day: Optional[int], anchor: Optional[date]) -> Optional[int]:
    """A month without a year is the latest such month not after the anchor (news looks back)."""
    if anchor is None:
        return None
    if (month, day or 1) > (anchor.month, anchor.day) and month - anchor.month > 1:
        return anchor.year - 1
    return anchor.year


def _format(year: Optional[int], month: Optional[int] = None, day: Optional[int] = None) -> str:
    text = f"{year:04d}" if year is not None else "XXXX"
    if month:
        text += f"-{month:02d}"
    if day:
        text += f"-{day:02d}"
    return text


def _valid(year: Optional[int], month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)
        return True
    except ValueError:
        return False


def _explicit(text: str, anchor: Optional[date]) -> Optional[Timex]:
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            month, day = MONTHS[match.group("month")], int(match.group("day"))
            year = _year(match.group("year"), anchor) or _infer_year(month, day, anchor)
            if _valid(year, month, day):
                return Timex(_format(year, month, day), "day")
    match = _MONTH_YEAR.search(text)
    if match and (match.group("year") or text.strip() == match.group(0) or "end of" in text or "beginning" in text
                  or "early" in text or "late" in text or "mid" in text):
        month = MONTHS[match.group("month")]
        if len(match.group("month")) > 2 or match.group("year"):  # "may" alone is ambiguous but kept: it is a DATE span
            year = _year(match.group("year"), anchor) or _infer_year(month, None, anchor)
            return Timex(_format(year, month), "month")
    match = _DECADE.search(text)
    if match:
        return Timex(match.group("decade"), "year")
    match = _YEAR_ONLY.search(text)
    if match:
        return Timex(match.group("year"), "year")
    return None


def _relative(text: str, anchor: Optional[date]) -> Optional[Timex]:
    if anchor is None:
        return None
    if text in ("today", "tonight", "this morning", "this afternoon", "this evening") or text.startswith("today"):
        return Timex(anchor.isoformat(), "day")
    if text.startswith("yesterday") or text in ("last night",):
        return Timex((anchor - timedelta(days=1)).isoformat(), "day")
    if text.startswith("tomorrow"):
        return Timex((anchor + timedelta(days=1)).isoformat(), "day")
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", text):
            back = (anchor.weekday() - weekday) % 7
            if text.startswith("next"):
                back = -((weekday - anchor.weekday()) % 7 or 7)
            elif text.startswith("last") and back == 0:
                back = 7
            return Timex((anchor - timedelta(days=back)).isoformat(), "day")
    match = _AGO.search(text)
    if match:
        n = int(match.group("n")) if match.group("n").isdigit() else _NUMBERS[match.group("n")]
        return _shift(anchor, match.group("unit"), -n)
    match = _RELATIVE_UNIT.search(text)
    if match:
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(match.group("which"), 0)
        return _shift(anchor, match.group("unit"), step)
    return None


def _shift(anchor: date, unit: str, n: int) -> Timex:
    if unit == "day":
        return Timex((anchor + timedelta(days=n)).isoformat(), "day")
    if unit == "week":
        year, week, _ = (anchor + timedelta(weeks=n)).isocalendar()
        return Timex(f"{year:04d}-W{week:02d}", "week")
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + n
        return Timex(_format(months // 12, months % 12 + 1), "month")
    return Timex(f"{anchor.year + n:04d}", "year")


def _reference(text: str) -> Optional[Timex]:
    for words, value in ((PAST_WORDS, "PAST_REF"), (FUTURE_WORDS, "FUTURE_REF"), (PRESENT_WORDS, "PRESENT_REF")):
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return Timex(value, "none")
    return None


def _range(first: str, second: str, anchor: Optional[date]) -> Optional[Timex]:
    end = normalize_date(second, anchor)
    if end is None:
        return None
    # "between July and September 2021": the first end borrows the year of the second.
    year_match = re.match(r"(\d{4}|XXXX)", end.value)
    start = _explicit(f"{first} {year_match.group(1)}", anchor) if year_match and year_match.group(1) != "XXXX" else None
    start = start or normalize_date(first, anchor)
    if start is None:
        return None
    return Timex(f"{start.value}/{end.value}", "range")


@lru_cache(maxsize=64)
def _parser(anchor: date):
    from dateparser.date import DateDataParser  # heavy import: only when the rules fail

    base = datetime(anchor.year, anchor.month, anchor.day)
    return DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})


def _dateparser(text: str, anchor: Optional[date]) -> Optional[Timex]:
    if anchor is None or not re.search(r"[a-z0-9]", text):
        return None
    try:
        data = _parser(anchor).get_date_data(text)
    except (ValueError, TypeError, OverflowError):
        return None
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return Timex(f"{found.year:04d}", "year")
    if period == "month":
        return Timex(_format(found.year, found.month), "month")
    if period == "week":
        year, week, _ = found.isocalendar()
        return Timex(f"{year:04d}-W{week:02d}", "week")
    return Timex(found.isoformat(), "day")
