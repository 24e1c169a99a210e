from pipeline.evaluation.tempeval import PredictedDate, TimeMLDocument, Timex, read_timeml, score

TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>X1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07" temporalFunction="false" functionInDocument="CREATION_TIME">1998-08-07</TIMEX3></DCT>
<TEXT>
NAIROBI _ Bombs <EVENT eid="e1" class="OCCURRENCE">exploded</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-08-07">Friday</TIMEX3> &amp; for <TIMEX3 tid="t2" type="DURATION" value="P2D">two days</TIMEX3> <TIMEX3 tid="t3" type="DATE" value="PRESENT_REF">now</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_read_timeml_strips_tags_and_keeps_offsets(tmp_path):
    path = tmp_path / "X1.tml"
    path.write_text(TIMEML, encoding="utf-8")
    document = read_timeml(path)
    assert document.dct == "1998-08-07"
    assert [(t.type, t.text) for t in document.timexes] == [("DATE", "Friday"), ("DURATION", "two days"),
                                                            ("DATE", "now")]
    assert all(document.text[t.start:t.end] == t.text for t in document.timexes)
    assert "&amp;" not in document.text and "<EVENT" not in document.text


def test_score_strict_relaxed_and_values():
    text = "Bombs exploded last Friday for two days now."
    gold = [Timex(15, 26, "DATE", "1998-08-07", "last Friday"), Timex(39, 42, "DATE", "PRESENT_REF", "now"),
            Timex(31, 39, "DURATION", "P2D", "two days")]
    document = TimeMLDocument("X", text, "1998-08-08", gold)
    predicted = [PredictedDate(20, 26, "1998-08-07", "Friday"),  # overlaps, right value
                 PredictedDate(31, 39, "P2D", "two days"),  # a duration: not one of our dates
                 PredictedDate(0, 5, "1998", "Bombs")]  # a false positive
    report = score([document], [predicted])
    dates = report["dates"]
    assert dates["strict"]["tp"] == 0 and dates["relaxed"]["tp"] == 1
    assert (dates["relaxed"]["fp"], dates["relaxed"]["fn"]) == (1, 1)
    assert dates["value_accuracy"] == {"accuracy": 1.0, "n": 1, "correct": 1}
    assert report["all_date_entities"]["relaxed"]["fp"] == 2
