"""The import mapping pages: match a council's own export to the data contract, and keep the mapping.

When an upload fails because the export has its own headings or spellings, the problems page offers these
pages: which file of the return each CSV file of its own naming is, then for each file one select per contract column (choices: the export's headings, pre-selected with
wres.mapping's suggestion), then one select per spelling the contract does not know, then a check page.
Saving keeps the mapping for the authority and checks the staged upload again; every later upload of the
authority is read through it. The mapping being made lives in the session until it is saved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from wres import mapping
from wres.problems import Problem
from wres.standards import Standard
from wres.web import importing, returns
from wres.web.access import audit, member
from wres.web.mapping_forms import ColumnsForm, FilesForm, MappingFileForm, RowsForm, ValuesForm
from wres.web.models import ImportMapping, Upload

STEPS = ("files", "columns", "rows", "values")


@dataclass
class Matching:
    """An upload being matched: its staged return, its record files as the mapping being made reads them,
    and that mapping (kept in the session until it is saved)."""

    up: Upload
    path: Path
    files: list[importing.StagedFile]
    m: mapping.Mapping
    own: list[importing.Own]  # exports of the upload under names of their own: CSV files, workbook sheets
    trouble: list[Problem] = field(default_factory=list)  # why a file could not be read for the pages

    @property
    def standard(self) -> Standard:
        """The authority's standard: the files, columns and values its return is matched to."""
        return self.up.authority.the_standard

    def refresh(self, suggest: bool) -> None:
        """The files as the mapping reads them (it says which file an export of its own name is), and with
        `suggest` what wres suggests for them: at the start, and when files are matched (never after a
        decision: a spelling left as an error would be suggested again)."""
        self.files, self.trouble = importing.staged_files(self.path, self.standard, self.m)
        if suggest:
            self.m = importing.draft(self.files, self.m, self.standard)

    def steps(self) -> list[tuple[str, str]]:
        """The pages this upload needs, in order: which file each of its own-named files is; then a file's
        columns when its export has its own headings (or lacks a column), and its values when it has
        spellings to decide."""
        out = [("files", "")] if self.own else []
        for f in self.files:
            fm = self.m.files.get(f.stem)
            present = {h.strip().lower() for h in f.export.headings}
            lacking = any(c.required and c.name not in (fm.columns if fm else {}) and c.name not in present for c in importing.columns_of(f.stem, self.standard))
            if (fm and fm.columns) or lacking:
                out.append(("columns", f.stem))
            if importing.rows_to_decide(f, self.m, self.standard):
                out.append(("rows", f.stem))
            if importing.values_to_decide(f, self.m):
                out.append(("values", f.stem))
        return out

    def key(self, step: tuple[str, str]) -> tuple[int, int]:
        order = {f.stem: i for i, f in enumerate(self.files)}
        return (order.get(step[1], -1), STEPS.index(step[0]))

    def url(self, step: tuple[str, str]) -> str:
        return reverse("map-files", kwargs={"pk": self.up.pk}) if step[0] == "files" else reverse(f"map-{step[0]}", kwargs={"pk": self.up.pk, "file": step[1]})

    def next(self, after: tuple[str, str] | None) -> HttpResponse:
        """The page after `after`, or the check page after the last."""
        for step in self.steps():
            if after is None or self.key(step) > self.key(after):
                return redirect(self.url(step))
        return redirect("map-check", pk=self.up.pk)

    def back(self, here: tuple[str, str] | None) -> str:
        """The page before this one (the problems page before the first)."""
        steps = self.steps()
        before = steps[: steps.index(here)] if here in steps else steps
        return self.url(before[-1]) if before else reverse("upload-result", kwargs={"pk": self.up.pk})

    def position(self, f: importing.StagedFile) -> str:
        """Which of the files to match this is ("file 1 of 2 to match"), when there is more than one."""
        stems = list(dict.fromkeys(stem for kind, stem in self.steps() if kind != "files"))
        return f"file {stems.index(f.stem) + 1} of {len(stems)} to match" if f.stem in stems and len(stems) > 1 else ""

    def file(self, stem: str) -> importing.StagedFile:
        found = next((f for f in self.files if f.stem == stem), None)
        if found is None:
            raise Http404("This upload has no such file.")
        return found


def _session_key(up: Upload) -> str:
    return f"import-mapping:{up.pk}"


def _open(request: HttpRequest, pk: str, fresh: bool = False) -> Matching | HttpResponse:
    """The authority's upload whose files are still staged, as being matched; else where to go instead."""
    import tomllib

    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    path = importing.staged_return(Path(up.staged)) if up.staged else None
    if path is None or up.status not in (Upload.Status.INVALID, Upload.Status.VALID):
        return redirect("upload-result", pk=up.pk)
    text = None if fresh else request.session.get(_session_key(up))
    if text is not None:
        m = mapping.parse(tomllib.loads(text))[0]
    else:  # the authority's own mapping, and what wres suggests for the rest
        saved = importing.saved(up.authority)
        m = (importing.parse(saved, up.authority.the_standard)[0] if saved else None) or mapping.Mapping()
    state = Matching(up, path, [], m, importing.unnamed(path))
    state.refresh(suggest=text is None)
    said = " ".join(f"{p.file} {p.message}: {p.fix}." for p in state.trouble)  # a file the pages cannot read
    if not state.files and not state.own:
        messages.info(request, said or "This return holds no staff, event or survey file to match: fix it and upload it again.")
        return redirect("upload-result", pk=up.pk)
    if text is None:  # the start: said once, not on every page
        if said:
            messages.info(request, said)
        _keep(request, state)
    return state


def _open_file(request: HttpRequest, pk: str, file: str) -> tuple[Matching, importing.StagedFile] | HttpResponse:
    """_open, and the file of the upload a page matches."""
    state = _open(request, pk)
    return state if isinstance(state, HttpResponse) else (state, state.file(file))


def _keep(request: HttpRequest, state: Matching) -> None:
    request.session[_session_key(state.up)] = mapping.dumps(state.m)


@member("submit")
def start(request: HttpRequest, pk: str) -> HttpResponse:
    """Begin (or begin again) matching an upload: at the first page of the first file its problems name (a
    spelling left as an error in leavers.csv is on leavers.csv's pages, not five pages on), else at the first."""
    state = _open(request, pk, fresh=True)
    if isinstance(state, HttpResponse):
        return state
    steps = state.steps()
    named = {p["file"] for p in state.up.errors()}
    labels = {f.stem: f.label for f in state.files}
    first = next((s for s in steps if s[0] == "files"), None) or next((s for s in steps if labels.get(s[1]) in named), None)
    return redirect(state.url(first)) if first is not None else state.next(None)


@member("submit")
def files(request: HttpRequest, pk: str) -> HttpResponse:
    """Which file of the return each CSV file of the upload's own naming is."""
    state = _open(request, pk)
    if isinstance(state, HttpResponse):
        return state
    if not state.own:
        return state.next(("files", ""))
    own = {o.name: o for o in state.own}
    present = {p.stem.strip().lower() for p in state.path.iterdir() if p.suffix.lower() == ".csv"} & set(importing.mapped_files(state.standard))
    chosen = {}
    for o in state.own:
        said = next((stem for stem, fm in state.m.files.items() if o.matches(fm)), None)
        chosen[o.name] = said or importing.guess(o, state.standard)
    form = FilesForm(request.POST if request.method == "POST" else None, names=list(own),
                     stems=[s for s in importing.mapped_files(state.standard) if s not in present], chosen=chosen)
    if request.method == "POST" and form.is_valid():
        given = form.assigned()
        for stem, fm in state.m.files.items():  # what these files were given before is replaced by what is chosen now
            if any(o.matches(fm) for o in state.own):
                fm.file = fm.sheet = None
        files = sorted({o.path.name for o in state.own})
        for name, stem in given.items():  # a workbook's sheet: the workbook by its name, the sheet by its own
            fm = state.m.files.setdefault(stem, mapping.FileMap())
            fm.file, fm.sheet = mapping.file_glob(own[name].path.name, files), own[name].sheet
        state.refresh(suggest=True)
        _keep(request, state)
        return state.next(("files", ""))
    return render(request, "web/mapping/files.html", {"up": state.up, "form": form, "back": state.back(("files", ""))})


@member("submit")
def columns(request: HttpRequest, pk: str, file: str) -> HttpResponse:
    opened = _open_file(request, pk, file)
    if isinstance(opened, HttpResponse):
        return opened
    state, f = opened
    fm = state.m.files.setdefault(f.stem, mapping.FileMap())
    form = ColumnsForm(request.POST if request.method == "POST" else None, stem=f.stem, headings=f.export.headings, chosen=fm.columns, standard=state.standard)
    if request.method == "POST" and form.is_valid():
        chosen = {c: h for c, h in form.cleaned_data.items() if h}
        for col in list(fm.values):  # a column now read from another heading: its spellings are asked again
            if fm.columns.get(col, col).strip().lower() != chosen.get(col, col).strip().lower():
                del fm.values[col]
        # a heading spelled as the contract's own column needs no line in the mapping
        fm.columns = {c: h for c, h in chosen.items() if h.strip().lower() != c}
        state.m = importing.suggest(f, state.m, state.standard)  # the spellings of the columns as now chosen
        _keep(request, state)
        return state.next(("columns", f.stem))
    return _step(request, state, f, "columns", form, suggested=bool(fm.columns))


@member("submit")
def rows(request: HttpRequest, pk: str, file: str) -> HttpResponse:
    """Which rows of the export are the file's, when a column marks some that may not be (importing.rows_to_decide)."""
    opened = _open_file(request, pk, file)
    if isinstance(opened, HttpResponse):
        return opened
    state, f = opened
    before: dict[str, list[str]] = {}
    change = request.GET.get("change")
    if change:  # from the check page: that question asked again of the file read without the rows it chose
        m = copy.deepcopy(state.m)
        fm = m.files.setdefault(f.stem, mapping.FileMap())  # (a link to a file whose rows were never asked: nothing to pop)
        before = {h: fm.rows.pop(h) for h in list(fm.rows) if h == change and mapping.asked(f.stem, h, fm)}
        f = next((g for g in importing.staged_files(state.path, state.standard, m)[0] if g.stem == f.stem), f)
        q = importing.rows_to_decide(f, m, state.standard)
    else:
        q = importing.rows_to_decide(f, state.m, state.standard)
    if q is None:
        return state.next(("rows", f.stem))
    form = RowsForm(request.POST if request.method == "POST" else None, heading=q.heading, values=q.rest + q.others,
                    chosen=before.get(q.heading, q.rest), what=q.what)
    if request.method == "POST" and form.is_valid():
        fm = state.m.files[f.stem]  # beside the rows it keeps already (each person's main post); read again through them next
        fm.rows = {**fm.rows, q.heading: form.cleaned_data["kept"]}
        _keep(request, state)
        if importing.rows_to_decide(f, state.m, state.standard) is not None:  # another question of this file's rows
            return redirect(state.url(("rows", f.stem)))
        return state.next(("rows", f.stem))
    return _step(request, state, f, "rows", form, heading=q.heading, what=q.what, others=q.such_as)


@member("submit")
def values(request: HttpRequest, pk: str, file: str) -> HttpResponse:
    opened = _open_file(request, pk, file)
    if isinstance(opened, HttpResponse):
        return opened
    state, f = opened
    decide = importing.values_to_decide(f, state.m)
    if not decide:
        return state.next(("values", f.stem))
    fm = state.m.files[f.stem]
    headings = {col: importing.column_of(f.export, fm.columns.get(col, col)) or col for col in decide}
    form = ValuesForm(request.POST if request.method == "POST" else None, stem=f.stem, decide=decide, headings=headings, standard=state.standard)
    if request.method == "POST" and form.is_valid():
        for col, chosen in form.decisions().items():
            table = fm.values.setdefault(col, {})
            for spelling, target in chosen.items():
                if target:
                    table[spelling] = target
                else:  # left as an error: the return says so on every row, as without a mapping
                    table.pop(spelling, None)
            if not table:
                del fm.values[col]
        _keep(request, state)
        return state.next(("values", f.stem))
    return _step(request, state, f, "values", form)


def _step(request: HttpRequest, state: Matching, f: importing.StagedFile, step: str, form: Any, **words: Any) -> HttpResponse:
    """A page of matching one file (web/mapping/step.html, with its own words)."""
    return render(request, f"web/mapping/{step}.html", {
        "up": state.up, "form": form, "file": f, "back": state.back((step, f.stem)), "position": state.position(f),
        "title": f"Match your {step}", **words,
    })


def _cleaned(m: mapping.Mapping) -> mapping.Mapping:
    """What is saved: decisions only (a spelling still "TODO" is left as an error, as validation would say)."""
    out = copy.deepcopy(m)
    for fm in out.files.values():
        fm.values = {col: {k: v for k, v in table.items() if v != mapping.TODO} for col, table in fm.values.items()}
        fm.values = {col: table for col, table in fm.values.items() if table}
    out.files = {stem: fm for stem, fm in out.files.items() if fm.columns or fm.values or fm.file or fm.sheet or fm.header_row != 1
                 or fm.rows or fm.date_order != "day-first"}
    return out


@member("submit")
def check(request: HttpRequest, pk: str) -> HttpResponse:
    state = _open(request, pk)
    if isinstance(state, HttpResponse):
        return state
    up = state.up
    m = _cleaned(state.m)
    if request.method == "POST":
        text = mapping.dumps(m, title=up.authority.name)
        earlier = ImportMapping.objects.filter(authority=up.authority).first()
        ImportMapping.objects.update_or_create(authority=up.authority, defaults={"text": text, "updated_by": request.user})
        audit(request, "import mapping saved", up.filename, upload=str(up.pk), files=sorted(m.files), replaced=earlier is not None)
        request.session.pop(_session_key(up), None)
        up = returns.recheck(up, text)
        audit(request, "return checked again", up.filename, upload=str(up.pk), status=up.status, problems=len(up.errors()))
        if up.status == Upload.Status.VALID:
            messages.success(request, f"Import mapping saved. {up.filename} has been checked again and is ready to submit.")
        else:
            messages.info(request, f"Import mapping saved. {up.filename} has been checked again: {len(up.errors())} problem{'s' if len(up.errors()) != 1 else ''} left.")
        return redirect("upload-result", pk=up.pk)
    return render(request, "web/mapping/check.html", {"up": up, "files": _listing(m, state, state.standard), "back": state.back(None)})


def _listing(m: mapping.Mapping, state: Matching | None, standard: Standard) -> list[dict[str, Any]]:
    """The mapping as summary cards; on the mapping pages, with links to the pages of the files this upload holds."""
    steps = state.steps() if state else []
    out = []
    for s in importing.summary(m, standard):
        stem = s["stem"]
        if state is not None:
            s["change_columns"] = state.url(("columns", stem)) if ("columns", stem) in steps else ""
            s["change_values"] = state.url(("values", stem)) if ("values", stem) in steps else ""
            # rows chosen on the rows page: that question is no step once answered, so it is asked again on request
            s["change_rows"] = [(h, f"{state.url(('rows', stem))}?{urlencode({'change': h})}") for h in s["rows"] if mapping.asked(stem, h, m.files[stem])]
            s["change_file"] = state.url(("files", "")) if s["file"] and ("files", "") in steps else ""
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------------
# Your import mapping: view, download, upload, delete


@member("submit")
def overview(request: HttpRequest) -> HttpResponse:
    kept = ImportMapping.objects.filter(authority=request.authority).select_related("updated_by").first()  # type: ignore[attr-defined]
    standard = request.authority.the_standard  # type: ignore[attr-defined]
    m = importing.parse(kept.text, standard)[0] if kept else None
    return render(request, "web/mapping/overview.html", {"kept": kept, "files": _listing(m, None, standard) if m else [],
                                                         "form": MappingFileForm(standard=standard)})


@member("submit")
def download(request: HttpRequest) -> HttpResponse:
    kept = ImportMapping.objects.filter(authority=request.authority).first()  # type: ignore[attr-defined]
    if kept is None:
        return redirect("mapping")
    audit(request, "import mapping downloaded", "mapping.toml")
    response = HttpResponse(kept.text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mapping.toml"'
    return response


@member("submit")
def upload(request: HttpRequest) -> HttpResponse:
    form = MappingFileForm(request.POST or None, request.FILES or None, standard=request.authority.the_standard)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        earlier = ImportMapping.objects.filter(authority=request.authority).exists()  # type: ignore[attr-defined]
        ImportMapping.objects.update_or_create(authority=request.authority, defaults={"text": form.text, "updated_by": request.user})  # type: ignore[attr-defined]
        audit(request, "import mapping uploaded", form.cleaned_data["file"].name, replaced=earlier)
        messages.success(request, "Import mapping saved: every upload from now on is read through it.")
        return redirect("mapping")
    return render(request, "web/mapping/upload.html", {"form": form})


@member("submit")
def delete(request: HttpRequest) -> HttpResponse:
    kept = ImportMapping.objects.filter(authority=request.authority).first()  # type: ignore[attr-defined]
    if kept is None:
        return redirect("mapping")
    if request.method == "POST":
        audit(request, "import mapping deleted", "mapping.toml", text=kept.text[:2000])
        kept.delete()
        messages.success(request, "Import mapping deleted: uploads are read as the data contract spells them.")
        return redirect("mapping")
    return render(request, "web/mapping/delete.html", {"kept": kept})
