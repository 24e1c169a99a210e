"""``python -m pipeline.report COMMAND``: the steps of the retraining workflow that the Makefile runs
(``make train``, ``evaluate``, ``package``, ``report``); see README "Retrain on your own annotations"."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

SHARED_DATA = Path("../shared/data")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    records = commands.add_parser("records", help="the pipeline's records of a gold split (for evaluate --pred)")
    records.add_argument("--gold", type=Path, default=Path("annotations"))
    records.add_argument("--split", required=True)
    records.add_argument("--out", type=Path, required=True)

    curves = commands.add_parser("relations-pr", help="the relation linkers' precision-recall curves, gold mentions")
    curves.add_argument("--model", type=Path, default=Path("models/relations"))
    curves.add_argument("--corpora", type=Path, default=Path("corpora"), help="holding gold-<split>.spacy")
    curves.add_argument("--out", type=Path, required=True)

    record = commands.add_parser("record-data", help="after training: hash the data, config and model into release.json")
    record.add_argument("components", nargs="+", help="ner, ner_actors, events, relations")
    record.add_argument("--models", type=Path, default=Path("models"))
    record.add_argument("--annotations", type=Path, default=Path("annotations"))
    record.add_argument("--muc4", type=Path, default=SHARED_DATA / "muc4")
    record.add_argument("--shared", type=Path, default=SHARED_DATA)

    package = commands.add_parser("package", help="release.json and MODEL_CARD.md for the models folder")
    package.add_argument("--models", type=Path, default=Path("models"))
    package.add_argument("--metrics", type=Path, default=Path("metrics"))
    package.add_argument("--speed", type=Path, default=Path("metrics/throughput.json"))
    package.add_argument("--annotations", type=Path, default=Path("annotations"))
    package.add_argument("--muc4", type=Path, default=SHARED_DATA / "muc4")

    compare = commands.add_parser("compare", help="the figures of two metrics folders side by side (before shipping)")
    compare.add_argument("shipped", type=Path, help="e.g. metrics")
    compare.add_argument("candidate", type=Path, help="e.g. build/candidate/metrics")

    report = commands.add_parser("report", help="report.md, report.html and PNG figures")
    report.add_argument("--gold", type=Path, default=Path("annotations"))
    report.add_argument("--metrics", type=Path, default=Path("metrics"))
    report.add_argument("--records", type=Path, default=Path("build/eval"), help="holding records-<split>.jsonl")
    report.add_argument("--out", type=Path, default=Path("reports"))

    args = parser.parse_args()
    if args.command == "records":
        from .records import write_split_records

        n = write_split_records(args.gold, None if args.split == "all" else args.split, args.out)
        print(f"{n} records -> {args.out}")
    elif args.command == "relations-pr":
        from .analysis import relation_curves
        from .release import write_json

        result = relation_curves(args.model, {s: args.corpora / f"gold-{s}.spacy" for s in ("dev", "test")})
        write_json(args.out, result)
        for name, linker in result["linkers"].items():
            print(f"{name} (threshold {linker['threshold']}): " + "  ".join(
                f"{s} {linker[s]['at_threshold']}" for s in linker["splits"]))
    elif args.command == "record-data":
        from .release import record_training

        release = record_training(args.components, args.models, args.annotations, args.muc4, args.shared)
        for name in args.components:
            data = release["components"][name]["data"]
            print(f"{name}: {len(data['files'])} data files and {len(data['globs'])} corpora hashed into "
                  f"{args.models / 'release.json'}")
    elif args.command == "package":
        from .release import CARD_FILE, package as run_package

        release = run_package(args.models, args.metrics, args.speed, args.annotations, args.muc4)
        print(json.dumps(release["metrics"].get("gold", {}).get("test", {}), indent=None))
        print(f"wrote {args.models / 'release.json'} and {args.models / CARD_FILE}")
    elif args.command == "compare":
        from .release import collect_metrics, flatten

        old, new = flatten(collect_metrics(args.shipped)), flatten(collect_metrics(args.candidate))
        print(f"{'figure':70s} {'shipped':>9s} {'candidate':>9s} {'change':>8s}")
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            change = f"{b - a:+.4f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) else ""
            print(f"{key:70s} {a if a is not None else '-':>9} {b if b is not None else '-':>9} {change:>8s}")
    elif args.command == "report":
        from .report import build_report

        for path in build_report(args.gold, args.metrics, args.records, args.out):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
