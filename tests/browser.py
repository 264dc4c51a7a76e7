"""Helpers for the report tests: the report set built by the real `wres report`, headless Chromium, axe-core.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; no browser is ever downloaded. axe-core comes
from npm (package.json). `make install` (run by `make test`) installs both. When either is missing the tests
FAIL with the command that installs it: a green run must never be one that tested nothing.

Test modules import the fixtures they use from here (`from tests.browser import browser, ...`). The report
sets are built once per session even when two modules import the fixtures (`_once`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"  # Debian's package chromium; WRES_CHROMIUM=PATH names another build
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTH = 1200  # the screenshot's width and the test pages' viewport

INSTALL = (
    "Run `make install` from the project folder: it installs Debian's chromium, poppler-utils and fonts "
    "(apt-get), axe-core (npm ci) and the Python test extra (playwright, pypdf). By hand: "
    "`apt-get install -y chromium poppler-utils fonts-dejavu-core fonts-liberation && npm ci && "
    ".venv/bin/pip install -e '.[test]'`. Never `playwright install`: the tests use Debian's Chromium."
)


class MissingTool(RuntimeError):
    pass


def chromium_path() -> str:
    wanted = os.environ.get("WRES_CHROMIUM")
    path = wanted or (CHROMIUM if os.path.isfile(CHROMIUM) else shutil.which("chromium"))
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise MissingTool(f"Chromium is not installed ({wanted or CHROMIUM} not found). {INSTALL}")
    return path


def axe_source() -> str:
    if not AXE_JS.is_file():
        raise MissingTool(f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} not found). {INSTALL}")
    return AXE_JS.read_text(encoding="utf-8")


def require(tool: str) -> str:
    """The path of a command-line tool (pdftoppm, pdftotext, pdfimages), or a test failure saying how to install it."""
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} is not installed (Debian package poppler-utils). {INSTALL}", pytrace=False)
    return path


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with nothing that talks to the network by itself."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


# ---- the report sets, built once per session by the real command -------------------------------------------

@dataclass(frozen=True)
class ReportSet:
    directory: Path

    @property
    def html(self) -> Path:
        return self.directory / "report.html"

    @property
    def pdf(self) -> Path:
        return self.directory / "report.pdf"

    @property
    def url(self) -> str:
        return self.html.as_uri()

    def metrics(self) -> dict[str, Any]:
        """The metrics document written next to the HTML (what the report must show)."""
        return json.loads((self.directory / "metrics.json").read_text(encoding="utf-8"))


def write_report(return_dir: Path, out_dir: Path, internal: bool = False) -> ReportSet:
    """`wres report RETURN -o OUT [--internal]`, in a real process as a user runs it."""
    from tests.conftest import run_command

    res = run_command("report", return_dir, "-o", out_dir, *(["--internal"] if internal else []))
    assert res.code == 0, f"wres report failed (exit {res.code}):\n{res.stderr}\n{res.stdout}"
    return ReportSet(out_dir)


def write_demo_return(directory: Path) -> Path:
    from wres.demo import write_demo

    directory.mkdir(parents=True)
    write_demo(directory, seed=1, staff=425)
    return directory


HOSTILE_NAME = "<script>window.pwned=1</script> Brighton & Hove's"  # and what a real name holds: an ampersand, an apostrophe
HOSTILE_LEAD = "<img src=x onerror=alert(1)>"


def write_hostile_return(directory: Path) -> Path:
    """A small valid return whose organisation.toml holds markup where text belongs."""
    from tests.conftest import ORG, person, write_return

    ethnicities = ["White", "Indian", "African", "Irish", "Pakistani", "Not stated"]
    staff = [person(f"S{i:03}", ethnicities[i % len(ethnicities)], "adults" if i % 2 else "children", salary=25000 + 900 * i)
             for i in range(60)]
    return write_return(directory, {"staff": staff}, {**ORG, "name": HOSTILE_NAME, "staff_voice_lead": HOSTILE_LEAD})


_built: dict[str, Any] = {}


def _once(key: str, make: Callable[[], Any]) -> Any:
    if key not in _built:
        _built[key] = make()
    return _built[key]


@pytest.fixture(scope="session")
def demo_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _once("demo", lambda: write_demo_return(tmp_path_factory.mktemp("demo") / "return"))


@pytest.fixture(scope="session")
def published_report(tmp_path_factory: pytest.TempPathFactory, demo_return: Path) -> ReportSet:
    return _once("published", lambda: write_report(demo_return, tmp_path_factory.mktemp("published") / "report"))


@pytest.fixture(scope="session")
def internal_report(tmp_path_factory: pytest.TempPathFactory, demo_return: Path) -> ReportSet:
    return _once("internal", lambda: write_report(demo_return, tmp_path_factory.mktemp("internal") / "report", internal=True))


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> ReportSet:
    def make() -> ReportSet:
        base = tmp_path_factory.mktemp("hostile")
        return write_report(write_hostile_return(base / "return"), base / "report")

    return _once("hostile", make)


# ---- the browser ---------------------------------------------------------------------------------------------

@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under playwright, or the test fails saying what to install."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"The Python package playwright is not installed. {INSTALL}", pytrace=False)
    try:
        chromium_path()
        axe_source()
    except MissingTool as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


_browser: dict[str, Any] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session however many test modules import this fixture (each import is a fixture
    of its own to pytest, and Playwright's sync API runs one instance per thread): the first starts it, the
    last to finish closes it."""
    if not _browser:
        _browser["context"] = chromium()
        _browser["browser"] = _browser["context"].__enter__()
        _browser["users"] = 0
    _browser["users"] += 1
    yield _browser["browser"]
    _browser["users"] -= 1
    if not _browser["users"]:
        _browser.pop("context").__exit__(None, None, None)
        _browser.clear()


@dataclass
class PageLog:
    """What a page did: every request, every failed one, dialogs opened, script errors, console errors."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@dataclass
class Opened:
    page: Any
    log: PageLog


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str], Opened]]:
    """open_page(url) → the page loaded in a fresh context (1200 px wide), with a log of what it did."""
    contexts: list[Any] = []

    def open_(url: str) -> Opened:
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        contexts.append(context)
        page = context.new_page()
        log = watch(page)
        page.goto(url, wait_until="load")
        return Opened(page, log)

    yield open_
    for c in contexts:
        c.close()


def watch(page: Any) -> PageLog:
    log = PageLog()
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("requestfailed", lambda r: log.failed.append(f"{r.url[:120]}: {r.failure}"))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("console", lambda m: log.console.append(m.text) if m.type == "error" else None)

    def dialog(d: Any) -> None:
        log.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return log


def axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations for the page as it is now (empty when none)."""
    try:
        source = axe_source()
    except MissingTool as exc:
        pytest.fail(str(exc), pytrace=False)
    page.add_script_tag(content=source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: id, impact, help, and each failing element's HTML."""
    out = []
    for v in violations:
        out.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            out.append(f"    {node['html'][:300]}")
            if node.get("failureSummary"):
                out.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(out)
