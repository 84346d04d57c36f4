"""The curation file: validated on load (one line naming file, line and key), written with its
comments and order kept, replaced atomically, and serialised by the run lock."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from govmap.datasets.curation import CurationError, append_decision, load_curation, new_decision

WHO = "by: ana\n    at: 2026-01-31\n    why: checked against the source\n"

EVERY_OP = f"""\
# decisions of the example review
decisions:
  - op: merge
    entity: institution
    keep: example-institute
    drop: example-institute-2
    {WHO}  - op: split
    id: example-institute
    alias: Example Lab
    {WHO}  - op: set
    entity: instrument
    id: example-code
    values: {{category: legal_instrument, name: Example Code}}
    {WHO}  - op: never
    surface: Annex
    document: 0123456789abcdef
    {WHO}  - op: reject
    table: collaborations
    id: "1111111111111111"
    {WHO}  - op: confirm
    table: ratings
    id: abcdefabcdefabcd
    {WHO}  - op: correct
    table: collaborations
    id: abcdefabcdefabcd
    values: {{parties: [a-body, b-body], types: [funding], status: planned}}
    {WHO}  - op: add
    table: mentions
    document: 0123456789abcdef
    page: 2
    evidence: the Example Institute said
    values: {{entity_id: example-institute, surface: Example Institute}}
    {WHO}"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "curation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_operation_loads_in_file_order(tmp_path: Path) -> None:
    curation = load_curation(write(tmp_path, EVERY_OP))
    assert [d.op for d in curation.decisions] == [
        "merge",
        "split",
        "set",
        "never",
        "reject",
        "confirm",
        "correct",
        "add",
    ]
    assert curation.decisions[5].table == "criteria_ratings"  # "ratings" is the table's short name
    assert curation.decisions[0].at == "2026-01-31"  # YAML's date stays the text the reviewer wrote
    assert curation.describe(0) == "#1 merge institution example-institute-2 into example-institute"
    assert len(curation.sha256) == 64


def test_an_empty_file_has_no_decisions(tmp_path: Path) -> None:
    assert load_curation(write(tmp_path, "# nothing decided yet\n")).decisions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("decisions:\n  - op: merge\n    keep: [a\n", "not valid YAML"),
        ("decisions:\n  - op: merg\n    keep: a\n", "op must be one of merge, split"),
        (
            f"decisions:\n  - op: merge\n    keep: a\n    drop: b\n    colour: red\n    {WHO}",
            "line 5: decisions.1.colour: unknown key",
        ),
        (f"decisions:\n  - op: set\n    id: a\n    values: {{kind: planet}}\n    {WHO}", "'planet' is not one of"),
        (
            f"decisions:\n  - op: correct\n    table: collaborations\n    id: x\n    values: {{status: maybe}}\n    {WHO}",
            "values.status: 'maybe' is not one of existing",
        ),
        (f"decisions:\n  - op: reject\n    table: pages\n    id: x\n    {WHO}", "'pages' is not one of mentions"),
        (
            "decisions:\n  - op: reject\n    table: mentions\n    id: x\n    by: ana\n    at: soon\n    why: w\n",
            "line 6: decisions.1.at: Value error, a date",
        ),
        (
            "decisions:\n  - op: reject\n    table: mentions\n    id: x\n    at: 2026-01-01\n    why: w\n",
            "decisions.1.by: Field required",
        ),
        ("- op: reject\n", "top level: a mapping"),
    ],
)
def test_a_mistake_is_one_line_naming_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CurationError) as info:
        load_curation(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)) and message.endswith("nothing published")
    assert expected.replace("Value error, ", "") in message


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CurationError, match="cannot read the curation file"):
        load_curation(tmp_path / "absent.yaml")


def test_append_keeps_comments_and_order_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = write(tmp_path, EVERY_OP.replace("  - op: split", "  # the lab is its own body\n  - op: split"))
    entry = new_decision(
        {"op": "confirm", "table": "mentions", "id": "9999999999999999"}, by="ben", why="seen it", at="2026-02-01"
    )
    written = append_decision(path, entry)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# decisions of the example review\n")
    assert "  # the lab is its own body\n  - op: split" in text
    assert [d.op for d in written.decisions][-1] == "confirm" and len(written.decisions) == 9
    assert text.index("op: merge") < text.index("op: split") < text.index("op: add") < text.rindex("op: confirm")
    assert "id: '9999999999999999'" in text  # an all-digit id stays a string
    assert load_curation(path).decisions == written.decisions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curation.yaml"]


def test_append_creates_the_file_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    append_decision(path, new_decision({"op": "merge", "keep": "a", "drop": "b"}, by="ana", why="same body"))
    assert path.read_text(encoding="utf-8").startswith("# govmap curation file")
    assert load_curation(path).decisions[0].keep == "a"


def test_append_refuses_a_broken_file_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    path = write(tmp_path, "decisions:\n  - op: merge\n    keep: [a\n")
    before = path.read_bytes()
    with pytest.raises(CurationError, match="not valid YAML"):
        append_decision(path, new_decision({"op": "merge", "keep": "a", "drop": "b"}, by="ana", why="same"))
    assert path.read_bytes() == before


def test_new_decision_checks_what_it_writes() -> None:
    with pytest.raises(CurationError, match="nothing written"):
        new_decision(
            {"op": "correct", "table": "collaborations", "id": "x", "values": {"types": ["gossip"]}}, by="ana", why="w"
        )


def _writer(args: tuple[str, str, int]) -> None:
    from govmap.datasets.lock import release_lock

    out, path, worker = args
    for i in range(5):
        entry = new_decision({"op": "confirm", "table": "mentions", "id": f"w{worker}-{i}"}, by=f"r{worker}", why="w")
        with release_lock(Path(out), wait_seconds=60):
            append_decision(path, entry)


def test_concurrent_writers_under_the_run_lock_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "curation.yaml"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_writer, [(str(tmp_path / "out"), str(path), w) for w in range(4)])
    ids = sorted(d.id for d in load_curation(path).decisions)
    assert ids == sorted(f"w{w}-{i}" for w in range(4) for i in range(5))


def test_a_country_code_that_yaml_1_1_reads_as_false_stays_a_code(tmp_path: Path) -> None:
    path = tmp_path / "curation.yaml"
    append_decision(path, new_decision({"op": "set", "id": "a", "values": {"country": "NO"}}, by="ana", why="Norway"))
    assert load_curation(path).decisions[0].values == {"country": "NO"}


def test_a_short_table_name_is_written_as_the_table_s_name() -> None:
    entry = new_decision({"op": "confirm", "table": "ratings", "id": "x"}, by="ana", why="w")
    assert entry["table"] == "criteria_ratings"
