#!/usr/bin/env python3
"""Check the fixtures written by make_fixtures.py, reading the outputs independently.

It does not import make_fixtures: it parses the .docx and the .vtt the way a reader would
and compares them with the expected turns, then checks codings, codebook and participants
against each other. Standard library only (PyYAML is used for the codebook if installed).

    python3 Fixtures/tools/check_fixtures.py        # exits 1 and lists problems if any
"""

from __future__ import annotations

import csv
import html
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LABEL = re.compile(r"^([A-Z][A-Za-z]*):\s*(.*)$", re.S)

problems: list[str] = []


def check(ok: bool, message: str) -> None:
    if not ok:
        problems.append(message)


def read_docx(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as zf:
        check(zf.testzip() is None, f"{path.name}: corrupt zip member")
        names = zf.namelist()
        for part in ("[Content_Types].xml", "_rels/.rels", "word/document.xml",
                     "word/_rels/document.xml.rels", "docProps/core.xml"):
            check(part in names, f"{path.name}: missing {part}")
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(zf.read(name))  # raises if not well-formed
        core = zf.read("docProps/core.xml").decode()
        check("creator" not in core and "lastModifiedBy" not in core, f"{path.name}: author in core.xml")
        root = ET.fromstring(zf.read("word/document.xml"))
    turns = []
    for p in root.iter(f"{W}p"):
        text = ""
        for el in p.iter():
            if el.tag == f"{W}t":
                text += el.text or ""
            elif el.tag == f"{W}br":
                text += "\n"
        m = LABEL.match(text)
        check(m is not None, f"{path.name}: paragraph without a speaker label: {text[:40]!r}")
        if m:
            turns.append((m.group(1), m.group(2).strip()))
    return turns


def parse_time(s: str) -> int:
    h, m, rest = s.split(":")
    sec, ms = rest.split(".")
    return ((int(h) * 60 + int(m)) * 60 + int(sec)) * 1000 + int(ms)


def read_vtt(path: Path) -> list[tuple[str, str, int, int]]:
    text = path.read_text(encoding="utf-8")
    check(text.startswith("WEBVTT"), f"{path.name}: no WEBVTT header")
    turns: list[list] = []
    last_end = -1
    for block in text.split("\n\n")[1:]:
        lines = block.strip().split("\n")
        if not lines or lines[0].startswith("NOTE"):
            continue
        timing = next(i for i, l in enumerate(lines) if "-->" in l)
        start, end = (parse_time(x.strip()) for x in lines[timing].split("-->"))
        check(start >= last_end and end > start, f"{path.name}: times not increasing at {lines[timing]}")
        last_end = end
        payload = " ".join(lines[timing + 1:])
        m = re.fullmatch(r"<v ([^>]+)>(.*)</v>", payload)
        check(m is not None, f"{path.name}: cue without a voice tag: {payload[:40]!r}")
        speaker, cue = m.group(1), html.unescape(m.group(2)).strip()
        if turns and turns[-1][0] == speaker:  # consecutive cues of one speaker: one turn
            turns[-1][1] += " " + cue
            turns[-1][3] = end
        else:
            turns.append([speaker, cue, start, end])
    return [tuple(t) for t in turns]


def load_codebook_paths(path: Path) -> set[str]:
    try:
        import yaml  # type: ignore
    except ImportError:
        yaml = None
    if yaml:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        paths = set()
        for theme in doc["codes"]:
            check(re.fullmatch(r"#[0-9A-Fa-f]{6}", theme.get("colour", "")) is not None,
                  f"codebook: theme {theme['name']} lacks a #rrggbb colour")
            for key in ("description", "inclusion", "exclusion"):
                check(bool(theme.get(key)), f"codebook: {theme['name']} lacks {key}")
            paths.add(theme["name"])
            for sub in theme.get("children", []):
                check("/" not in sub["name"], f"codebook: '/' in {sub['name']}")
                paths.add(f"{theme['name']}/{sub['name']}")
        return paths
    # Fallback: the generator's fixed layout (themes at 2 spaces, subthemes at 6).
    paths, theme = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^( *)- name: "(.*)"$', line)
        if m and len(m.group(1)) == 2:
            theme = m.group(2)
            paths.add(theme)
        elif m:
            paths.add(f"{theme}/{m.group(2)}")
    return paths


def main() -> int:
    expected = {g: json.loads((FIXTURES / f"transcripts/expected/{g}.turns.json").read_text("utf-8"))
                for g in ("FG1", "FG2")}

    # Transcripts against the expected turns.
    docx = read_docx(FIXTURES / "transcripts/FG1.docx")
    vtt = read_vtt(FIXTURES / "transcripts/FG2.vtt")
    check(len(docx) == len(expected["FG1"]), f"FG1: {len(docx)} paragraphs, {len(expected['FG1'])} expected")
    check(len(vtt) == len(expected["FG2"]), f"FG2: {len(vtt)} merged turns, {len(expected['FG2'])} expected")
    for (speaker, text), e in zip(docx, expected["FG1"]):
        check((speaker, text, None, None) == (e["speaker"], e["text"], e["startMs"], e["endMs"]),
              f"{e['ref']}: docx gives {speaker}: {text[:50]!r}")
    for (speaker, text, start, end), e in zip(vtt, expected["FG2"]):
        check((speaker, text, start, end) == (e["speaker"], e["text"], e["startMs"], e["endMs"]),
              f"{e['ref']}: vtt gives {speaker} {start}-{end}: {text[:50]!r}")
    for g, rows in expected.items():
        check([r["ref"] for r in rows] == [f"{g}-{i:04d}" for i in range(1, len(rows) + 1)], f"{g}: refs not 0001…")
        check(all(r["text"] == r["text"].strip() and r["text"] for r in rows), f"{g}: untrimmed or empty text")
        check(all(a["speaker"] != b["speaker"] for a, b in zip(rows, rows[1:])), f"{g}: same speaker twice in a row")
    check(80 <= len(expected["FG1"]) <= 120, "FG1: turn count outside 80–120")
    check(60 <= len(expected["FG2"]) <= 90, "FG2: turn count outside 60–90")

    # Participants: order of first appearance gives P01…; attributes match the design.
    order = []
    for g in ("FG1", "FG2"):
        for r in expected[g]:
            if r["speaker"] != "Moderator" and r["speaker"] not in order:
                order.append(r["speaker"])
    pseudonym = {label: f"P{i:02d}" for i, label in enumerate(order, start=1)}
    with (FIXTURES / "participants.csv").open(encoding="utf-8", newline="") as f:
        people = list(csv.DictReader(f))
    check([p["participant"] for p in people] == list(pseudonym.values()), "participants.csv: pseudonyms")
    # The group comes from the transcripts (where each speaker talks), not from the CSV.
    group_of = {label: g for g in ("FG1", "FG2") for r in expected[g] for label in [r["speaker"]]}
    by_group = defaultdict(list)
    for label, p in zip(order, people):
        by_group[group_of[label]].append(p["gender"])
    check(sorted(by_group["FG1"]) == ["female"] * 3 + ["male"] * 3, f"FG1 genders: {by_group['FG1']}")
    check(by_group["FG2"] == ["male", "male"], f"FG2 genders: {by_group['FG2']}")
    md = (FIXTURES / "pseudonyms.md").read_text(encoding="utf-8")
    for label, p in pseudonym.items():
        check(f"| {label} |" in md and f"| {p} |" in md, f"pseudonyms.md: {label} / {p}")

    # Codings: complete, participant turns only, known codes.
    paths = load_codebook_paths(FIXTURES / "codebook.yaml")
    check(len(paths) == 6 + 22, f"codebook: {len(paths)} codes, expected 6 themes + 22 subthemes")
    speaker_of = {r["ref"]: r["speaker"] for g in expected.values() for r in g}
    participant_refs = {ref for ref, s in speaker_of.items() if s != "Moderator"}
    codings = {}
    for name in ("coder_a", "coder_b"):
        with (FIXTURES / f"codings/{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        check(rows[0] == ["excerpt", "coder", "code"], f"{name}.csv: header {rows[0]}")
        per_excerpt = defaultdict(set)
        check(len({r[1] for r in rows[1:]}) == 1, f"{name}.csv: more than one coder")
        for excerpt, _, code in rows[1:]:
            check(excerpt in participant_refs, f"{name}.csv: {excerpt} is not a participant turn")
            check(code == "" or code in paths, f"{name}.csv: unknown code {code!r}")
            per_excerpt[excerpt].add(code)
        check(set(per_excerpt) == participant_refs, f"{name}.csv: does not cover every participant turn")
        for excerpt, codes in per_excerpt.items():
            check(len(codes - {""}) <= 3, f"{name}.csv: {excerpt} has more than 3 codes")
            check(not ("" in codes and len(codes) > 1), f"{name}.csv: {excerpt} both empty and coded")
        codings[name] = {e: c - {""} for e, c in per_excerpt.items()}
    differ = sorted(e for e in participant_refs if codings["coder_a"].get(e) != codings["coder_b"].get(e))
    readme = (FIXTURES / "codings/README.md").read_text(encoding="utf-8")
    for e in differ:
        check(f"| {e} |" in readme, f"codings/README.md: {e} not listed")
    check(readme.count("\n| FG") == len(differ), "codings/README.md: lists turns where coders agree")

    # Nothing graphic, and no roster names outside the turns meant to test name redaction.
    banned = re.compile(r"\b(naked|nude|nudes|porn\w*|rap(e|ed|ing)|genital\w*|penetrat\w*|"
                        r"sex act\w*|explicit|grooming|assault\w*|masturbat\w*|underwear|bedroom)\b", re.I)
    for path in FIXTURES.joinpath("transcripts/expected").glob("*.json"):
        for r in json.loads(path.read_text("utf-8")):
            check(not banned.search(r["text"]), f"{r['ref']}: wording to rewrite: {banned.search(r['text'])}")
    for path in (FIXTURES / "codebook.yaml",):
        check(not banned.search(path.read_text("utf-8")), f"{path.name}: wording to rewrite")

    summary = {g: (len(rows), sum(r["speaker"] != "Moderator" for r in rows)) for g, rows in expected.items()}
    print(f"turns (all, participant): {summary}")
    print(f"pseudonyms: {pseudonym}")
    print(f"coding rows: coder_a {sum(len(c) for c in codings['coder_a'].values())}, "
          f"coder_b {sum(len(c) for c in codings['coder_b'].values())}; differ on {len(differ)} turns")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
