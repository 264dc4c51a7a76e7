"""Outputs written all at once or not at all, and an output that cannot be written where the user asked (a
full drive, a folder in the way, a file where a folder should be) said as that: exit 1 and what to put
right, never "a fault in wres", and nothing left behind."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_command
from wres import output
from wres.output import CannotWrite


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_where_a_folder_of_the_path_should_be(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CannotWrite) as caught:
        output.write_text(tmp_path / "notes.txt" / "counts.csv", "a,b\n")
    assert str(caught.value) == f"Could not write {tmp_path / 'notes.txt' / 'counts.csv'}: {tmp_path / 'notes.txt'} is a file, not a folder"
    assert _left(tmp_path) == ["notes.txt"] and (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_where_the_file_should_go(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").mkdir()
    with pytest.raises(CannotWrite, match="counts.csv: it is a folder$"):
        output.write_text(tmp_path / "counts.csv", "a,b\n")
    assert _left(tmp_path) == ["counts.csv"]  # no temporary file left beside it


def test_a_full_drive_while_a_folder_is_written_is_the_outputs_to_blame(tmp_path: Path) -> None:
    with pytest.raises(CannotWrite, match=r"report: the disk is full$") as caught:
        with output.new_directory(tmp_path / "report") as tmp:
            (tmp / "report.html").write_text("<p>", encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")  # as a write with no file named raises it
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC  # still an OSError to callers that catch one
    assert _left(tmp_path) == []


def test_a_file_of_the_temporary_folder_that_cannot_be_written_is_the_outputs(tmp_path: Path) -> None:
    with pytest.raises(CannotWrite):
        with output.new_directory(tmp_path / "report") as tmp:
            (tmp / "charts" / "rl-M1.svg").write_text("<svg/>", encoding="utf-8")  # its folder was never made
    assert _left(tmp_path) == []


def test_an_input_that_cannot_be_read_is_not_said_as_an_output(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        with output.new_directory(tmp_path / "report"):
            (tmp_path / "gone.csv").read_text(encoding="utf-8")
    assert not isinstance(caught.value, CannotWrite)
    assert _left(tmp_path) == []


def test_an_earlier_output_stays_when_the_new_one_cannot_take_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report"
    target.mkdir()
    (target / "report.html").write_text("last year's", encoding="utf-8")
    real = os.replace
    failed: list[Path] = []

    def failing(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(dst) == target and not failed:  # the new folder into place: the drive fails just then, once
            failed.append(Path(src))
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(CannotWrite, match="Could not write .*report: Input/output error$"):
        with output.new_directory(target, replaces="report.html") as tmp:
            (tmp / "report.html").write_text("this year's", encoding="utf-8")
    assert failed and _left(tmp_path) == ["report"] and (target / "report.html").read_text(encoding="utf-8") == "last year's"


def _said_plainly(run: object, what: str) -> None:
    code, stderr = run.code, run.stderr  # type: ignore[attr-defined]
    assert code == 1, (code, stderr)
    assert " ".join(stderr.split()).endswith(f"{what}. Nothing was written."), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


def test_counts_onto_a_folder_is_said_plainly(demo_return: Path, tmp_path: Path) -> None:
    (tmp_path / "counts").mkdir()
    _said_plainly(run_command("counts", demo_return, "-o", tmp_path / "counts"), f"Could not write {tmp_path / 'counts'}: it is a folder")
    assert _left(tmp_path) == ["counts"] and _left(tmp_path / "counts") == []


def test_a_report_under_a_file_is_said_plainly(demo_return: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    _said_plainly(run_command("report", demo_return, "-o", tmp_path / "notes.txt" / "report"),
                  f"Could not write {tmp_path / 'notes.txt' / 'report'}: {tmp_path / 'notes.txt'} is a file, not a folder")
    assert _left(tmp_path) == ["notes.txt"]


def _small_files() -> None:
    """In the child: files may grow to 100 kB only (the report's PDF is larger), as on a drive that fills."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_a_report_the_drive_cannot_hold_is_said_plainly_and_leaves_nothing(demo_return: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("WRES_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "wres.cli", "report", str(demo_return), "-o", str(tmp_path / "report")],
                          capture_output=True, text=True, env=env, preexec_fn=_small_files)
    assert proc.returncode == 1, proc.stderr
    assert " ".join(proc.stderr.split()).endswith(f"Could not write {tmp_path / 'report'}: the file is too large for the drive. Nothing was written.")
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert _left(tmp_path) == []


@pytest.fixture(scope="module")
def demo_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "return"
    run = run_command("demo", folder, "--staff", "60")
    assert run.code == 0, run.stderr
    shutil.rmtree(folder / "survey.csv", ignore_errors=True)
    return folder


def _make_and_read(args: tuple[str, str]) -> str:
    path, text = args
    output.write_once(Path(path), text)
    return Path(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_an_output_is_made_as_the_users_umask_says_not_private(tmp_path: Path, umask: int) -> None:
    """A counts.csv, a mapping.toml or a report folder is made as any program makes one: written through a
    temporary file or folder, it was private (0600, 0700), so colleagues could not open it on a shared drive."""
    before = os.umask(umask)
    try:
        output.write_text(tmp_path / "counts.csv", "a,b\n")
        with output.new_directory(tmp_path / "report") as folder:
            (folder / "report.html").write_text("<p>", encoding="utf-8")
    finally:
        os.umask(before)
    assert (tmp_path / "counts.csv").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "report").stat().st_mode & 0o777 == 0o777 & ~umask
    assert _left(tmp_path) == ["counts.csv", "report"]


def test_a_secret_made_by_processes_at_once_is_one_secret_for_its_owner_only(tmp_path: Path) -> None:
    """Web workers and the task worker starting together on a new data folder each make the key if it is not
    there: one is kept, whole, and every process reads that one (none is replaced after another has read it)."""
    from concurrent.futures import ProcessPoolExecutor

    key = tmp_path / "secret.key"
    with ProcessPoolExecutor(4) as pool:
        read = list(pool.map(_make_and_read, [(str(key), f"key of process {i}\n") for i in range(12)]))
    assert len(set(read)) == 1 and read[0] == key.read_text(encoding="utf-8") and read[0].startswith("key of process ")
    assert key.stat().st_mode & 0o777 == 0o600 and _left(tmp_path) == ["secret.key"]


def test_a_secret_that_cannot_be_made_is_said(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(CannotWrite, match="is a file, not a folder"):
        output.write_once(tmp_path / "file" / "secret.key", "s")
