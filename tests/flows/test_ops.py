"""Registry validation, prune and the served deployment: plain functions, no Prefect server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmap.flows.ops_commands import build_deployment, prune_releases
from govmap.errors import RunnerError
from govmap.flows.registry import RegistryError, load_registry, registry_specs


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "reports" / "drafts").mkdir(parents=True)
    (tmp_path / "reports" / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "reports" / "b.md").write_text("# b")
    (tmp_path / "reports" / "drafts" / "c.md").write_text("# c")
    (tmp_path / "one.txt").write_text("one")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "error"),
    [
        # a typo in a key must not be silently ignored (it would drop a filter)
        ("sources:\n  r:\n    folder: reports\n    exclud: ['x']\n", "sources.r.exclud: unknown key"),
        # a top-level typo likewise
        ("source:\n  r:\n    folder: reports\n", "unknown key"),
        # a folder that is not there names the source and the resolved path
        ("sources:\n  r:\n    folder: nowhere\n", "sources.r.folder:"),
        # a listed file that is missing
        ("sources:\n  r:\n    files: [one.txt, two.txt]\n", "two.txt does not exist"),
        # two kinds in one source is ambiguous
        ("sources:\n  r:\n    folder: reports\n    files: [one.txt]\n", "exactly one of folder, files, urls"),
        # no kind at all
        ("sources:\n  r:\n    include: ['*.pdf']\n", "exactly one of folder, files, urls"),
        # globs only make sense on a folder
        ("sources:\n  r:\n    files: [one.txt]\n    include: ['*.txt']\n", "include/exclude apply to a folder only"),
        # on_removed is a closed vocabulary
        ("sources:\n  r:\n    folder: reports\n    on_removed: delete\n", "sources.r.on_removed"),
        # a URL list with a path in it
        ("sources:\n  r:\n    urls: [reports/a.pdf]\n", "not an http(s) URL"),
        # empty registry
        ("sources: {}\n", "no sources listed"),
        # broken YAML is reported as such, on one line
        ("sources: [\n", "not valid YAML"),
    ],
)
def test_registry_mistakes_are_one_line_errors(tree: Path, text: str, error: str) -> None:
    path = tree / "sources.yaml"
    path.write_text(text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert error in str(info.value) and "\n" not in str(info.value)


def test_registry_expands_folders_with_globs_files_and_urls(tree: Path) -> None:
    path = tree / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  r:\n    folder: reports\n    exclude: ['drafts/*']\n    on_removed: keep\n"
        "  f:\n    files: [one.txt]\n"
        "  u:\n    urls: ['https://example.org/x.html']\n"
    )
    reg = load_registry(path)
    assert reg.sources["r"].on_removed == "keep" and reg.sources["f"].on_removed == "drop"
    assert registry_specs(reg) == [
        str(tree / "reports/a.pdf"),
        str(tree / "reports/b.md"),
        str(tree / "one.txt"),
        "https://example.org/x.html",
    ]


def test_missing_registry_file(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "absent.yaml")


def _fake_release(out: Path, release_id: str) -> None:
    folder = out / "releases" / release_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")


def test_prune_keeps_n_newest_and_latest(tmp_path: Path) -> None:
    ids = [f"2026010{i}T000000Z-abcdef0{i}" for i in range(1, 6)]
    for rid in ids:
        _fake_release(tmp_path, rid)
    os.symlink(Path("releases") / ids[0], tmp_path / "latest")  # latest is the oldest (a rollback)
    removed = prune_releases(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ids[1:3]
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == [ids[0], *ids[3:]]
    assert (tmp_path / "latest" / "manifest.json").is_file()


def test_prune_refuses_keep_zero(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keep"):
        prune_releases(tmp_path, keep=0)


def test_served_deployment_can_be_built(tree: Path) -> None:
    path = tree / "sources.yaml"
    path.write_text("sources:\n  r:\n    folder: reports\n")
    deployment = build_deployment(path, "0 6 * * *", tree / "out", name="nightly")
    assert deployment.name == "nightly"
    assert deployment.parameters["registry"] == str(path.resolve())
    assert deployment.parameters["out"] == str((tree / "out").resolve())
    assert [s.schedule.cron for s in deployment.schedules] == ["0 6 * * *"]
    assert deployment.parameters["task_runner"] == "process"


def test_served_deployment_carries_the_dask_runner(tree: Path) -> None:
    path = tree / "sources.yaml"
    path.write_text("sources:\n  r:\n    folder: reports\n")
    deployment = build_deployment(path, "0 6 * * *", tree / "out", task_runner="dask", workers=2)
    assert (deployment.parameters["task_runner"], deployment.parameters["workers"]) == ("dask", 2)
    with pytest.raises(RunnerError, match="--dask-address needs --task-runner dask"):
        build_deployment(path, "0 6 * * *", tree / "out", dask_address="tcp://127.0.0.1:8786")


def test_serve_refuses_a_bad_registry(tree: Path) -> None:
    path = tree / "sources.yaml"
    path.write_text("sources:\n  r:\n    folder: nowhere\n")
    with pytest.raises(RegistryError):
        build_deployment(path, "0 6 * * *", tree / "out")


@pytest.mark.parametrize(
    "entry",
    [
        "folder: /etc",  # absolute
        "folder: ../outside",  # climbs out
        "files: [/etc/passwd]",  # absolute file
        "files: [reports/../../x.txt]",  # climbs out through a name inside
        "folder: out-link",  # a link inside the folder that leads out of it
    ],
)
def test_registry_paths_stay_inside_its_folder(tree: Path, entry: str) -> None:
    (tree.parent / "outside").mkdir(exist_ok=True)
    (tree.parent / "x.txt").write_text("x")
    (tree / "out-link").symlink_to(tree.parent / "outside")
    path = tree / "sources.yaml"
    path.write_text(f"sources:\n  r:\n    {entry}\n")
    with pytest.raises(RegistryError, match="is outside .*allow_absolute_paths") as info:
        load_registry(path)
    assert str(path.resolve()) in str(info.value)
    path.write_text(f"allow_absolute_paths: true\nsources:\n  r:\n    {entry}\n")
    load_registry(path)  # the registry's owner may allow it


def test_registry_folder_follows_links_only_when_asked(tree: Path) -> None:
    (tree.parent / "elsewhere.md").write_text("# e")
    (tree / "reports" / "link.md").symlink_to(tree.parent / "elsewhere.md")
    path = tree / "sources.yaml"
    path.write_text("sources:\n  r:\n    folder: reports\n")
    assert str(tree / "reports" / "link.md") not in registry_specs(load_registry(path))
    path.write_text("sources:\n  r:\n    folder: reports\n    follow_symlinks: true\n")
    assert str(tree / "reports" / "link.md") in registry_specs(load_registry(path))
