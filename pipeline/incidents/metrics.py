"""Coreference scores of a clustering against a gold clustering of the same mentions.

MUC (links), B3 (mentions), CEAF-e (entities, phi4 similarity, optimal one-to-one alignment) and
their CoNLL average, as the CoNLL-2012 reference scorer defines them, plus the precision and
recall of pairwise merges. Singletons count (the ECB+ convention of Cybulska and Vossen). Both
clusterings are dicts mention -> cluster label over the same mentions.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Hashable, Mapping

Clustering = Mapping[Hashable, Hashable]


def _clusters(assignment: Clustering) -> list[frozenset]:
    groups: dict[Hashable, set] = defaultdict(set)
    for mention, label in assignment.items():
        groups[label].add(mention)
    return [frozenset(g) for g in groups.values()]


def _prf(p_num: float, p_den: float, r_num: float, r_den: float) -> dict:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f": round(100 * f, 2)}


def _muc_side(key: list[frozenset], response: Clustering) -> tuple[int, int]:
    numerator = denominator = 0
    for cluster in key:
        partitions = {response.get(m, ("unmatched", m)) for m in cluster}
        numerator += len(cluster) - len(partitions)
        denominator += len(cluster) - 1
    return numerator, denominator


def muc(gold: Clustering, pred: Clustering) -> dict:
    r_num, r_den = _muc_side(_clusters(gold), pred)
    p_num, p_den = _muc_side(_clusters(pred), gold)
    return _prf(p_num, p_den, r_num, r_den)


def _b3_side(key: Clustering, response: Clustering) -> tuple[float, int]:
    key_clusters = {label: c for c in _clusters(key) for label in [key[next(iter(c))]]}
    response_clusters = {label: c for c in _clusters(response) for label in [response[next(iter(c))]]}
    total = 0.0
    for mention, label in key.items():
        mine = key_clusters[label]
        theirs = response_clusters.get(response.get(mention), frozenset({mention}))
        total += len(mine & theirs) / len(mine)
    return total, len(key)


def b_cubed(gold: Clustering, pred: Clustering) -> dict:
    r_num, r_den = _b3_side(gold, pred)
    p_num, p_den = _b3_side(pred, gold)
    return _prf(p_num, p_den, r_num, r_den)


def assignment_max(weights: list[list[float]]) -> float:
    """The largest total weight of a one-to-one assignment of rows to columns (Hungarian algorithm)."""
    if not weights or not weights[0]:
        return 0.0
    n_rows, n_cols = len(weights), len(weights[0])
    n = max(n_rows, n_cols)
    top = max(max(row) for row in weights)
    # Minimise cost = top - weight on a square matrix padded with zero-weight cells.
    cost = [[top - (weights[i][j] if i < n_rows and j < n_cols else 0.0) for j in range(n)] for i in range(n)]
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    match, way = [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        match[0], j0 = i, 0
        minv, used = [float("inf")] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], float("inf"), 0
            for j in range(1, n + 1):
                if not used[j]:
                    current = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if current < minv[j]:
                        minv[j], way[j] = current, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    total = 0.0
    for j in range(1, n + 1):
        i = match[j]
        if i and i - 1 < n_rows and j - 1 < n_cols:
            total += weights[i - 1][j - 1]
    return total


def ceaf_e(gold: Clustering, pred: Clustering) -> dict:
    key, response = _clusters(gold), _clusters(pred)
    # Clusters that share no mention align with weight 0, so the best alignment is the sum of the best
    # alignments within each connected group of key and response clusters: small Hungarian problems.
    response_of = {m: j for j, cluster in enumerate(response) for m in cluster}
    parent = list(range(len(key)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, cluster in enumerate(key):
        for j in {response_of[m] for m in cluster}:
            if j in owner:
                parent[find(i)] = find(owner[j])
            else:
                owner[j] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(key)):
        groups[find(i)].append(i)
    similarity = 0.0
    for rows in groups.values():
        cols = sorted({response_of[m] for i in rows for m in key[i]})
        weights = [[2 * len(key[i] & response[j]) / (len(key[i]) + len(response[j])) for j in cols] for i in rows]
        similarity += assignment_max(weights)
    return _prf(similarity, len(response), similarity, len(key))


def pairwise(gold: Clustering, pred: Clustering) -> dict:
    """Precision and recall of the merges: pairs of mentions put in one cluster."""
    def pairs(assignment: Clustering) -> set[frozenset]:
        return {frozenset(p) for c in _clusters(assignment) for p in combinations(sorted(c, key=repr), 2)}

    gold_pairs, pred_pairs = pairs(gold), pairs(pred)
    both = len(gold_pairs & pred_pairs)
    return {**_prf(both, len(pred_pairs), both, len(gold_pairs)), "gold_pairs": len(gold_pairs),
            "predicted_pairs": len(pred_pairs), "correct_pairs": both}


def score(gold: Clustering, pred: Clustering) -> dict:
    if set(gold) != set(pred):
        raise ValueError("gold and predicted clusterings must cover the same mentions")
    scores = {"muc": muc(gold, pred), "b3": b_cubed(gold, pred), "ceaf_e": ceaf_e(gold, pred)}
    scores["conll_f1"] = round(sum(s["f"] for s in scores.values()) / 3, 2)
    scores["pairwise"] = pairwise(gold, pred)
    scores["mentions"] = len(gold)
    scores["gold_clusters"] = len(set(gold.values()))
    scores["predicted_clusters"] = len(set(pred.values()))
    return scores
