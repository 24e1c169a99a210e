"""TIMEX3 values for date expressions, resolved against the article's publication date.

A rule layer handles what news writes most ("Wednesday (December 22)", "last month",
"the end of November", "between July and September 2021", "4 FEB 90", "the third quarter",
"recently", "three years"); dateparser's ``DateDataParser`` with a relative base takes the
rest. Only spans already marked as dates are fed in, because free-text date search turns
"may" into a month. Values and types follow TimeML as TempEval-3 annotates it: a point or
period in time is a DATE (``2021-12-22``, ``2021-W51``, ``2021-Q3``, ``PAST_REF``), a length
of time a DURATION (``P3Y``), a recurrence a SET (``P1D``).

``tense`` ("past", "future" or None) says which way a bare weekday or month points from the
anchor; ``reference`` is the previous date of the same text, which "a year earlier" and
"the year-ago quarter" shift from when it is a quarter.
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
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b\.?"
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_YEAR = r"(?P<year>\d{4}|'\d{2}|\d{2}(?!\d))"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:,?\s+(?:of\s+)?(?P<year>\d{{4}}|'\d{{2}}))?")
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_YEAR_ONLY = re.compile(r"\b(?P<year>1[0-9]\d{2}|20\d{2})\b")
_DECADE = re.compile(r"\b(?P<decade>1[0-9]\d|20\d)0['’]?s\b")
_AGO = re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                  r"(?P<unit>day|week|month|year|decade)s?\s+(?:ago|earlier|before|previously)\b")
_RELATIVE_UNIT = re.compile(r"\b(?P<which>last|past|previous|this|next|coming|current|following)\s+"
                            r"(?P<unit>week|month|year|decade)\b")
_RANGE = re.compile(r"\b(?:between|from)\s+(?P<first>.+?)\s+(?:and|to|until|through|-)\s+(?P<second>.+)$")
_SPLIT_RANGE = re.compile(rf"^(?P<first>{_MONTH})\s*(?:-|–|to|and|through)\s*(?P<second>{_MONTH.replace('month', 'month2')}"
                          rf"(?:,?\s+\d{{4}})?)$")
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                 "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred")
_NUMBERS = {word: i + 1 for i, word in enumerate(_NUMBER_WORDS[:20])}
_NUMBERS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                 "ninety": 90, "hundred": 100})
_UNIT_CODES = {"day": "D", "week": "W", "weekend": "WE", "month": "M", "year": "Y", "decade": "DE",
               "century": "CE", "centurie": "CE", "quarter": "Q", "fortnight": "W", "hour": "H", "minute": "M"}
# Words that may stand before a length of time ("about", "the past", "at least"), dropped one at a time.
_QUANTITY_WORD = re.compile(r"^(?:about|around|nearly|almost|at least|more than|less than|up to|over|under|some|"
                            r"roughly|only|just|another|the|past|last|next|first|previous|coming|final|latest|"
                            r"recent|following|ensuing|preceding)\s+")
_DURATION = re.compile(
    rf"(?P<n>\d+(?:\.\d+)?|(?:{'|'.join(_NUMBER_WORDS[19:27])})[- ](?:{'|'.join(_NUMBER_WORDS[:9])})|"
    rf"{'|'.join(_NUMBERS)}|a few|few|several|many|a couple of|couple of|two or three)?[- ]?(?:and a half )?"
    rf"(?:more )?(?P<unit>day|week|month|year|decade|century|centurie|quarter|fortnight|hour|minute)s?(?:-long)?")
_AGE = re.compile(r"\b(?:years?|months?|weeks?|days?)[- ]old\b|^\d{1,3}s?$")
# Frequencies, TIMEX3 SETs: how often, not when.
FREQUENCIES = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M", "annual": "P1Y", "annually": "P1Y",
         "yearly": "P1Y", "nightly": "P1D", "hourly": "PT1H", "biweekly": "P2W", "semiannual": "P6M",
         "every day": "P1D", "each day": "P1D", "every week": "P1W", "every month": "P1M", "every year": "P1Y",
         "each year": "P1Y"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
             "q1": 1, "q2": 2, "q3": 3, "q4": 4}
_QUARTER = re.compile(r"\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?quarter"
                      r"(?:\s+(?:of\s+)?(?:fiscal\s+)?(?P<year>\d{4}|'\d{2}))?|\b(?P<q>q[1-4])\b(?:\s+(?P<qyear>\d{4}))?")
_HALF = re.compile(r"\b(?P<ord>first|second)\s+half(?:\s+of)?(?:\s+(?P<year>\d{4}))?")
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}
_SEASON = re.compile(r"\b(?:(?P<which>last|this|next|past|coming|early|late|mid|the)\s+)?(?P<season>spring|summer|fall|"
                     r"autumn|winter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b")
PAST_WORDS = ("recently", "recent", "the past", "previously", "formerly", "once", "lately", "earlier", "before")
FUTURE_WORDS = ("future", "soon", "months ahead", "years ahead", "weeks ahead", "upcoming", "the coming",
                "later", "near term", "long term", "short term")
PRESENT_WORDS = ("now", "currently", "current", "present", "nowadays", "these days", "this time", "the moment",
                 "today's", "modern", "contemporary")
_PREFIX = re.compile(r"^(?:on|in|since|by|until|till|during|at|of|from|for|as of|before|after|around|about|"
                     r"early|earlier|late|later|mid|the|a|just|only|sometime|some time|the end of|end of|"
                     r"the beginning of|beginning of|the start of|start of|the middle of|middle of|"
                     r"the first days of|the last days of)\s+")


@dataclass(frozen=True)
class Timex:
    value: str
    granularity: str  # day | week | month | year | range | none
    type: str = "DATE"  # TimeML type: DATE, DURATION or SET


def normalize_date(text: str, anchor: Optional[date], tense: Optional[str] = None,
                   reference: Optional[Timex] = None) -> Optional[Timex]:
    """The TIMEX3 value of a date expression, or None when it cannot be resolved."""
    lowered = clean(text)
    if not lowered or _AGE.search(lowered):
        return None  # "6-year-old", "44" (an age beside a name): no date
    if lowered in FREQUENCIES:
        return Timex(FREQUENCIES[lowered], "none", "SET")
    duration = _duration(lowered)
    if duration is not None:
        return duration
    span = _RANGE.search(lowered) or _SPLIT_RANGE.match(lowered)
    if span:
        found = _range(span.group("first"), span.group("second"), anchor, tense)
        if found is not None:
            return found
    return (_named_quarter(lowered, anchor, tense) or _season(lowered, anchor) or _explicit(lowered, anchor, tense)
            or _relative_quarter(lowered, anchor, reference) or _relative(lowered, anchor, tense, reference)
            or _reference(lowered) or _dateparser(lowered, anchor))


def clean(text: str) -> str:
    lowered = " ".join(text.lower().replace("(", " ").replace(")", " ").replace("’", "'").split())
    lowered = re.sub(r"'s$|[.,;:]+$", "", lowered).strip()
    lowered = re.sub(r"\b(mid|early|late)-(?=[a-z])", r"\1 ", lowered)  # "mid-June", "early-1990s"
    return lowered


def _strip_prefixes(text: str) -> str:
    while True:
        stripped = _PREFIX.sub("", text)
        if stripped == text:
            return text
        text = stripped


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


def _infer_year(month: int, day: Optional[int], anchor: Optional[date], tense: Optional[str] = None) -> Optional[int]:
    """The year of a month (and day) written without one, seen from the anchor.

    Future tense: the next such date from the anchor; past tense: the latest one not after it;
    otherwise the latest one, unless the next one is at most three months ahead (news looks
    back, but "talks resume in January" in a November article are two months ahead).
    """
    if anchor is None:
        return None
    this_year = date(anchor.year, month, min(day or 1, calendar.monthrange(anchor.year, month)[1]))
    start = anchor if day else anchor.replace(day=1)
    if this_year == start:
        return anchor.year
    if this_year < start:
        past, following = this_year, this_year.replace(year=anchor.year + 1)
    else:
        past, following = this_year.replace(year=anchor.year - 1), this_year
    if tense == "future":
        return following.year
    if tense == "past":
        return past.year
    return following.year if (following - start).days <= 92 else past.year


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


def _explicit(text: str, anchor: Optional[date], tense: Optional[str] = None) -> Optional[Timex]:
    match = _ISO_DATE.search(text)
    if match and _valid(int(match.group("year")), int(match.group("month")), int(match.group("day"))):
        return Timex(match.group(0), "day")
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            month, day = MONTHS[match.group("month")], int(match.group("day"))
            year = _year(match.group("year"), anchor) or _infer_year(month, day, anchor, tense)
            if _valid(year, month, day):
                return Timex(_format(year, month, day), "day")
    match = _MONTH_YEAR.search(text)
    if match and _is_month_expression(text, match):
        month = MONTHS[match.group("month")]
        year = _year(match.group("year"), anchor)
        if year is None:
            which = re.match(r"(last|this|next|past|coming)\s", text)
            year = _month_year(month, anchor, which.group(1) if which else None, tense)
        return Timex(_format(year, month), "month")
    match = _DECADE.search(text)
    if match:
        return Timex(match.group("decade"), "year")
    match = _YEAR_ONLY.search(text)
    if match and not re.search(r"\d{5,}", text):
        return Timex(match.group("year"), "year")
    return None


def _is_month_expression(text: str, match: re.Match) -> bool:
    """A month name is the date ("April", "early March", "last November"), not a word in a longer phrase."""
    if match.group("year"):
        return True
    if match.group("month") in ("may", "march", "sat", "sun", "wed") and len(text) > len(match.group(0)):
        return bool(re.fullmatch(r"(?:(?:last|this|next|past|coming|early|late|mid|the|end of|beginning of)[- ]?)*"
                                 + re.escape(match.group(0)) + r"(?:\s+(?:this|last|next) year)?", text))
    rest = _strip_prefixes(re.sub(r"^(last|this|next|past|coming)\s+", "", text))
    return rest == match.group(0) or re.fullmatch(re.escape(match.group(0)) + r"\s+(this|last|next) year", rest) \
        is not None


def _month_year(month: int, anchor: Optional[date], which: Optional[str], tense: Optional[str]) -> Optional[int]:
    if anchor is None:
        return None
    if which in ("last", "past"):  # "last November": the latest November before this month
        return anchor.year if month < anchor.month else anchor.year - 1
    if which in ("next", "coming"):
        return anchor.year if month > anchor.month else anchor.year + 1
    if which == "this":
        return anchor.year
    return _infer_year(month, None, anchor, tense)


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _shift_quarter(year: int, quarter: int, n: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + n
    return index // 4, index % 4 + 1


def _named_quarter(text: str, anchor: Optional[date], tense: Optional[str]) -> Optional[Timex]:
    """"The third quarter", "third-quarter", "Q3 1989", "the first half": a quarter or half of a year."""
    match = _QUARTER.search(text)
    if match:
        number = _ORDINALS[match.group("ord") or match.group("q")]
        year = _year(match.group("year") or match.group("qyear"), anchor)
        if year is None and anchor is not None:
            current_year, current = _quarter_of(anchor)
            # A quarter named without a year is the latest one begun by the anchor (the one reported on).
            year = current_year if number <= current or tense == "future" else current_year - 1
        return Timex(f"{_format(year)}-Q{number}", "range")
    match = _HALF.search(text)
    if match:
        year = _year(match.group("year"), anchor) or (anchor.year if anchor else None)
        return Timex(f"{_format(year)}-H{1 if match.group('ord') == 'first' else 2}", "range")
    return None


def _relative_quarter(text: str, anchor: Optional[date], reference: Optional[Timex]) -> Optional[Timex]:
    """"The quarter", "the latest quarter", "the year-ago period": quarters seen from the anchor."""
    if not re.search(r"\bquarter\b|\bperiod\b", text) or anchor is None:
        return None
    current = _quarter_of(anchor)
    if re.search(r"year[- ](?:ago|earlier)|a year (?:ago|earlier)|previous year's", text):
        base = _reference_quarter(reference) or _shift_quarter(*current, -1)
        year, number = _shift_quarter(*base, -4)
    elif re.search(r"\b(?:this|current|present)\s+quarter\b", text):
        year, number = current
    elif re.search(r"\b(?:next|coming|following)\s+quarter\b", text):
        year, number = _shift_quarter(*current, 1)
    elif re.search(r"\b(?:the|latest|last|past|previous|recent|most recent|just-ended|reporting)\s+(?:quarter|period)\b"
                   r"|^quarter$", text) and "year" not in text:
        # "the quarter", "the latest quarter": the last one ended, which quarterly reports cover.
        year, number = _reference_quarter(reference) or _shift_quarter(*current, -1)
    else:
        return None
    return Timex(f"{year:04d}-Q{number}", "range")


def _reference_quarter(reference: Optional[Timex]) -> Optional[tuple[int, int]]:
    if reference is not None:
        match = re.fullmatch(r"(\d{4})-Q([1-4])", reference.value)
        if match:
            return int(match.group(1)), int(match.group(2))
    return None


def _season(text: str, anchor: Optional[date]) -> Optional[Timex]:
    match = _SEASON.search(text)
    if match is None:
        return None
    code, first_month = _SEASONS[match.group("season")]
    year = _year(match.group("year"), anchor)
    if year is None:
        if anchor is None:
            year = None
        elif match.group("which") in ("last", "past"):
            # The last such season over by now: "last fall" in March 1999 is fall 1998.
            ends = first_month + 2
            year = anchor.year if ends < anchor.month else anchor.year - 1
        elif match.group("which") in ("next", "coming"):
            year = anchor.year if first_month > anchor.month else anchor.year + 1
        else:
            year = anchor.year
    return Timex(f"{_format(year)}-{code}", "range")


def _relative(text: str, anchor: Optional[date], tense: Optional[str],
              reference: Optional[Timex] = None) -> Optional[Timex]:
    if anchor is None:
        return None
    if re.match(r"(?:early |late |later |earlier )?(?:today|tonight|this morning|this afternoon|this evening)", text):
        return Timex(anchor.isoformat(), "day")
    if re.match(r"(?:the day before yesterday)", text):
        return Timex((anchor - timedelta(days=2)).isoformat(), "day")
    if re.match(r"(?:early |late )?(?:yesterday|last night)", text):
        return Timex((anchor - timedelta(days=1)).isoformat(), "day")
    if re.match(r"(?:early |late )?tomorrow", text) or text == "the day after tomorrow":
        return Timex((anchor + timedelta(days=1 + (text == "the day after tomorrow"))).isoformat(), "day")
    match = re.search(rf"\b{_WEEKDAY}", text)
    if match and not re.search(r"\d", text):
        weekday = WEEKDAYS[match.group("weekday")]
        back = (anchor.weekday() - weekday) % 7
        ahead = (weekday - anchor.weekday()) % 7
        if re.search(r"\bnext\b|\bcoming\b", text):
            return Timex((anchor + timedelta(days=ahead or 7)).isoformat(), "day")
        if re.search(r"\blast\b|\bpast\b|\bprevious\b", text):
            return Timex((anchor - timedelta(days=back or 7)).isoformat(), "day")
        if tense == "future":
            return Timex((anchor + timedelta(days=ahead)).isoformat(), "day")
        return Timex((anchor - timedelta(days=back)).isoformat(), "day")
    if re.search(r"\bweek[- ]?end\b", text):
        saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7) if re.search(r"\b(next|coming)\b", text) \
            or tense == "future" else anchor - timedelta(days=(anchor.weekday() - 5) % 7)
        if re.search(r"\blast\b|\bpast\b", text) and anchor.weekday() >= 5:
            saturday -= timedelta(days=7)
        year, week, _ = saturday.isocalendar()
        return Timex(f"{year:04d}-W{week:02d}-WE", "week")
    match = _AGO.search(text)
    if match:
        n = int(match.group("n")) if match.group("n").isdigit() else _NUMBERS[match.group("n")]
        if match.group("unit") == "year" and n == 1 and _reference_quarter(reference):
            year, quarter = _shift_quarter(*_reference_quarter(reference), -4)
            return Timex(f"{year:04d}-Q{quarter}", "range")
        return _shift(anchor, match.group("unit"), -n)
    if re.search(r"\byear[- ](?:ago|earlier)\b", text):
        if _reference_quarter(reference):
            year, quarter = _shift_quarter(*_reference_quarter(reference), -4)
            return Timex(f"{year:04d}-Q{quarter}", "range")
        return _shift(anchor, "year", -1)
    match = _RELATIVE_UNIT.search(text)
    if match:
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(
            match.group("which"), 0)
        return _shift(anchor, match.group("unit"), step)
    match = re.fullmatch(r"(?:the\s+)?(?:same\s+)?(?P<unit>week|month|year)", _strip_prefixes(text))
    if match and text.startswith(("this", "the", "earlier", "later")):
        return _shift(anchor, match.group("unit"), 0)  # "the year", "earlier this month"
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
    if unit == "decade":
        return Timex(f"{(anchor.year + 10 * n) // 10:03d}", "year")
    return Timex(f"{anchor.year + n:04d}", "year")


def _duration(text: str) -> Optional[Timex]:
    """A length of time ("three years", "the past two months", "a two-year"), as a TIMEX3 DURATION."""
    text = re.sub(r"^(?:for|over|in|within|after|of)\s+", "", text)
    text = re.sub(rf"^an?\s+(?=\d|(?:{'|'.join(_NUMBER_WORDS)})\b)", "", text)  # "a two-year", "an 18-month"
    while _QUANTITY_WORD.match(text):
        text = _QUANTITY_WORD.sub("", text, count=1)
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    unit = match.group("unit")
    raw = (match.group("n") or "").strip() or ("a" if re.match(r"an?\s", text) else "")
    if not raw and not re.search(r"s(?:-long)?$", text):
        return None  # "the day", "last week", "the first quarter": points in time, not lengths
    number = _count(raw) if raw else None
    code = _UNIT_CODES[unit]
    quantity = "X" if number is None else (f"{number:g}" if isinstance(number, float) else str(number))
    if unit in ("hour", "minute"):
        return Timex(f"PT{quantity}{code}", "none", "DURATION")
    if unit == "quarter":
        return Timex(f"P{quantity if number is None else number * 3}M", "none", "DURATION")
    if unit == "fortnight":
        return Timex(f"P{quantity if number is None else number * 2}W", "none", "DURATION")
    return Timex(f"P{quantity}{code}", "none", "DURATION")


def _count(raw: str):
    raw = raw.replace("-", " ")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        value = float(raw)
        return int(value) if value.is_integer() else value
    words = raw.split()
    if words and all(w in _NUMBERS for w in words):
        return sum(_NUMBERS[w] for w in words)
    return None  # "several", "a few": an unknown number


def _reference(text: str) -> Optional[Timex]:
    for words, value in ((PAST_WORDS, "PAST_REF"), (FUTURE_WORDS, "FUTURE_REF"), (PRESENT_WORDS, "PRESENT_REF")):
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return Timex(value, "none")
    return None


def _range(first: str, second: str, anchor: Optional[date], tense: Optional[str]) -> Optional[Timex]:
    end = normalize_date(second, anchor, tense)
    if end is None or end.type != "DATE":
        return None
    # "between July and September 2021": the first end borrows the year of the second.
    year_match = re.match(r"(\d{4}|XXXX)", end.value)
    start = _explicit(f"{first} {year_match.group(1)}", anchor) if year_match and year_match.group(1) != "XXXX" else None
    start = start or normalize_date(first, anchor, tense)
    if start is None or start.type != "DATE":
        return None
    return Timex(f"{start.value}/{end.value}", "range")


@lru_cache(maxsize=64)
def _parser(anchor: date):
    from dateparser.date import DateDataParser  # heavy import: only when the rules fail

    base = datetime(anchor.year, anchor.month, anchor.day)
    return DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})


# dateparser reads any number as a year ("44" -> 1944): only text with a date word goes to it.
_DATE_WORD = re.compile(rf"{_MONTH}|{_WEEKDAY}|\b(?:day|week|month|year|ago|yesterday|tomorrow|today|fortnight)s?\b"
                        r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b\d{1,2}(?:st|nd|rd|th)\b")


def _dateparser(text: str, anchor: Optional[date]) -> Optional[Timex]:
    if anchor is None or not _DATE_WORD.search(text):
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


@dataclass(frozen=True)
class PublicationWindow:
    """When an undated article was most likely published, and why we think so."""

    start: date
    end: date
    evidence: str


_WEEKDAY_DATE = re.compile(rf"{_WEEKDAY}\s*,?\s*(?:{_MONTH}\s+{_DAY}\b|{_DAY.replace('day', 'day2')}\s+(?:of\s+)?"
                           rf"{_MONTH.replace('month', 'month2')})")


def infer_publication_window(expressions: list[str], latest_year: Optional[int] = None) -> Optional[PublicationWindow]:
    """Infer the publication window of an undated article from its date expressions.

    A weekday written with a date fixes the year ("Wednesday (December 22)" is 2021 among the
    years near those the article names): the article was published on or within a week after
    the latest such date. Without such a pair, the latest full date it gives ("September 1,
    2021") opens the window. Otherwise there is no evidence and None is returned.
    """
    texts = [clean(e) for e in expressions]
    named_years = [int(y) for t in texts for y in re.findall(r"\b(1[89]\d{2}|20\d{2})\b", t)]
    latest_year = latest_year or date.today().year
    pairs = []
    for text in texts:
        match = _WEEKDAY_DATE.search(text)
        if match:
            month = MONTHS[match.group("month") or match.group("month2")]
            pairs.append((WEEKDAYS[match.group("weekday")], month, int(match.group("day") or match.group("day2")), text))
    if pairs:
        centre = max(named_years) if named_years else latest_year
        candidates = [y for y in range(centre - 6, min(centre + 6, latest_year) + 1)
                      if all(_valid(y, m, d) and date(y, m, d).weekday() == w for w, m, d, _ in pairs)]
        if candidates:
            # Nearest to the latest year the article names, not before it: news reports on its past.
            year = min(candidates, key=lambda y: (y < centre, abs(y - centre)))
            start = max(date(year, m, d) for _, m, d, _ in pairs)
            return PublicationWindow(start, start + timedelta(days=6),
                                     f"'{pairs[-1][3]}' is a {calendar.day_name[pairs[-1][0]]} in {year}")
    full = [found for text in texts if (found := _explicit(text, None)) is not None and found.granularity == "day"
            and not found.value.startswith("X")]
    if full:
        start = max(date.fromisoformat(t.value) for t in full)
        return PublicationWindow(start, start + timedelta(days=30), f"the latest full date in the text is {start}")
    return None


# -- the days a TIMEX3 value covers -------------------------------------------------------------------

_TIMEX_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIMEX_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_TIMEX_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_TIMEX_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class DaySpan:
    """The days an event may have happened on, inclusive, as ``date.toordinal()`` numbers."""

    first: int
    last: int
    granularity: str  # day | week | month | year | range | published

    @property
    def width(self) -> int:
        return self.last - self.first + 1

    def gap(self, other: "DaySpan") -> int:
        """Days between the two spans; 0 when they overlap."""
        return max(0, other.first - self.last, self.first - other.last)

    def iso(self) -> tuple[str, str]:
        return date.fromordinal(self.first).isoformat(), date.fromordinal(self.last).isoformat()


def _month_span(year: int, month: int) -> tuple[int, int]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first.toordinal(), following.toordinal() - 1


def _point_span(value: str) -> Optional[tuple[int, int, str]]:
    try:
        if m := _TIMEX_DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3])).toordinal()
            return day, day, "day"
        if m := _TIMEX_WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1).toordinal()
            return monday, monday + 6, "week"
        if m := _TIMEX_MONTH.match(value):
            return (*_month_span(int(m[1]), int(m[2])), "month")
        if m := _TIMEX_YEAR.match(value):
            return date(int(m[1]), 1, 1).toordinal(), date(int(m[1]), 12, 31).toordinal(), "year"
    except ValueError:  # "2021-02-30", week 54: not a date
        return None
    return None


def day_span(value: Optional[str]) -> Optional[DaySpan]:
    """The span of a TIMEX3 value: a day, an ISO week, a month, a year or a range of those.

    ``PAST_REF``, ``XXXX-...`` (a year the text does not fix) and anything else give None.
    """
    if not value:
        return None
    if "/" in value:
        start, _, end = value.partition("/")
        first, last = _point_span(start), _point_span(end)
        if first is None or last is None or last[1] < first[0]:
            return None
        return DaySpan(first[0], last[1], "range")
    point = _point_span(value)
    return DaySpan(*point) if point else None
