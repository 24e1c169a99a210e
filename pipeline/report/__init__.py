"""The release and its evaluation report: what the shipped models were trained on and what they reached
(``release.py``: models/release.json and models/MODEL_CARD.md), the pipeline's records of the gold splits
(``records.py``), the analyses behind the report (``analysis.py``: event-type confusion, error examples,
the relation linkers' precision-recall curve), and the report itself (``report.py``, ``plots.py``)."""
