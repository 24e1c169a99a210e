"""The report's figures, drawn with matplotlib (the ``plots`` extra) and saved as PNG."""
from __future__ import annotations

from pathlib import Path

from .analysis import Confusion

DPI = 100  # small files: the report's PNGs are committed with it


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    return plt


def confusion_png(confusions: dict[str, Confusion], out: Path) -> Path:
    """One heat map per split: gold event types down, predicted across, counts written in."""
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(confusions), figsize=(5.2 * len(confusions), 4.6), squeeze=False)
    for axis, (split, confusion) in zip(axes[0], confusions.items()):
        labels, matrix = confusion.labels, confusion.matrix()
        axis.imshow(matrix, cmap="Blues")
        axis.set_xticks(range(len(labels)), [label.replace("_", " ").lower() for label in labels], rotation=40,
                        ha="right", fontsize=8)
        axis.set_yticks(range(len(labels)), [label.replace("_", " ").lower() for label in labels], fontsize=8)
        top = max(max(row) for row in matrix) or 1
        for i, row in enumerate(matrix):
            for j, count in enumerate(row):
                if count:
                    axis.text(j, i, str(count), ha="center", va="center", fontsize=8,
                              color="white" if count > top / 2 else "black")
        axis.set_xlabel("predicted")
        axis.set_ylabel("gold")
        axis.set_title(f"Event types, {split}")
    figure.tight_layout()
    figure.savefig(out, dpi=DPI)
    plt.close(figure)
    return out


def relations_pr_png(curves: dict, out: Path) -> Path:
    """Precision against recall over the threshold, one line per linker and split; the dot is the
    threshold the linker ships with (chosen on dev)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(5.5, 4.5))
    styles = {"dev": "--", "test": "-"}
    for k, (name, linker) in enumerate(curves["linkers"].items()):
        color = f"C{k}"
        for split in linker["splits"]:
            points = [row for row in linker[split]["curve"] if row["p"] > 0 or row["r"] > 0]
            axis.plot([row["r"] for row in points], [row["p"] for row in points], styles.get(split, ":"), color=color,
                      label=f"{name.removeprefix('news_')}, {split}")
            at = linker[split]["at_threshold"]
            axis.plot([at["r"]], [at["p"]], "o", color=color)
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.set_xlabel("recall")
    axis.set_ylabel("precision")
    axis.set_title("Relation linkers, gold mentions given\n(dot: shipped threshold)", fontsize=10)
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=DPI)
    plt.close(figure)
    return out


def per_label_f1_png(per_label: dict[str, dict[str, dict]], out: Path, title: str) -> Path:
    """Horizontal bars of F1 per label, one bar per split: ``per_label[split][label] = {"f", ...}``."""
    plt = _pyplot()
    labels = sorted({label for table in per_label.values() for label in table})
    figure, axis = plt.subplots(figsize=(5.5, 0.35 * len(labels) * len(per_label) + 1.2))
    height = 0.8 / max(len(per_label), 1)
    for k, (split, table) in enumerate(per_label.items()):
        axis.barh([i + k * height for i in range(len(labels))], [table.get(label, {}).get("f", 0.0) for label in labels],
                  height=height, label=split)
    axis.set_yticks([i + height * (len(per_label) - 1) / 2 for i in range(len(labels))], labels, fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1")
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=DPI)
    plt.close(figure)
    return out
