"""The import mapping pages: match a council's own export to the data contract, and keep the mapping.

When an upload fails because the export has its own headings or spellings, the problems page offers these
pages: for each file, one select per contract column (choices: the export's headings, pre-selected with
wres.mapping's suggestion), then one select per spelling the contract does not know, then a check page.
Saving keeps the mapping for the authority and checks the staged upload again; every later upload of the
authority is read through it. The mapping being made lives in the session until it is saved.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from wres import mapping, schema
from wres.web import importing, returns
from wres.web.access import audit, member
from wres.web.mapping_forms import ColumnsForm, MappingFileForm, ValuesForm
from wres.web.models import ImportMapping, Upload

STEPS = ("columns", "values")


def _session_key(up: Upload) -> str:
    return f"import-mapping:{up.pk}"


def _staged(request: HttpRequest, pk: str) -> tuple[Upload, list[importing.StagedFile]] | HttpResponse:
    """The authority's upload whose files are still staged, and its record files; else where to go instead."""
    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    path = importing.staged_return(Path(up.staged)) if up.staged else None
    if path is None or up.status not in (Upload.Status.INVALID, Upload.Status.VALID):
        return redirect("upload-result", pk=up.pk)
    files, _ = importing.staged_files(path)
    if not files:
        messages.info(request, "This return holds no staff, event or survey file to match: fix it and upload it again.")
        return redirect("upload-result", pk=up.pk)
    return up, files


def _draft(request: HttpRequest, up: Upload, files: list[importing.StagedFile]) -> mapping.Mapping:
    """The mapping being made for this upload: kept in the session, first made from the saved one and suggestions."""
    import tomllib

    text = request.session.get(_session_key(up))
    if text is not None:
        found, _ = mapping.parse(tomllib.loads(text))
        return found
    saved = importing.saved(up.authority)
    base = importing.parse(saved)[0] if saved else None
    made = importing.draft(files, base)
    _keep(request, up, made)
    return made


def _keep(request: HttpRequest, up: Upload, m: mapping.Mapping) -> None:
    request.session[_session_key(up)] = mapping.dumps(m)


def _steps(files: list[importing.StagedFile], m: mapping.Mapping) -> list[tuple[str, str]]:
    """The pages this upload needs, in order: a file's columns when its export has its own headings (or
    lacks a column), then its values when it has spellings to decide."""
    out = []
    for f in files:
        fm = m.files.get(f.stem)
        present = {h.strip().lower() for h in f.export.headings}
        lacking = any(c.required and c.name not in (fm.columns if fm else {}) and c.name not in present for c in schema.FILES[f.stem])
        if (fm and fm.columns) or lacking:
            out.append(("columns", f.stem))
        if importing.values_to_decide(f, m):
            out.append(("values", f.stem))
    return out


def _next(up: Upload, files: list[importing.StagedFile], m: mapping.Mapping, after: tuple[str, str] | None) -> HttpResponse:
    """The page after `after` (a step of a file), or the check page after the last."""
    order = {f.stem: i for i, f in enumerate(files)}
    key = (lambda s: (order[s[1]], STEPS.index(s[0])))  # noqa: E731
    for step in _steps(files, m):
        if after is None or key(step) > key(after):
            return redirect(f"map-{step[0]}", pk=up.pk, file=step[1])
    return redirect("map-check", pk=up.pk)


def _file(files: list[importing.StagedFile], stem: str) -> importing.StagedFile:
    found = next((f for f in files if f.stem == stem), None)
    if found is None:
        raise Http404("This upload has no such file.")
    return found


@member("submit")
def start(request: HttpRequest, pk: str) -> HttpResponse:
    """Begin (or begin again) matching an upload: the saved mapping plus what wres suggests for the rest."""
    got = _staged(request, pk)
    if isinstance(got, HttpResponse):
        return got
    up, files = got
    request.session.pop(_session_key(up), None)
    m = _draft(request, up, files)
    return _next(up, files, m, None)


@member("submit")
def columns(request: HttpRequest, pk: str, file: str) -> HttpResponse:
    got = _staged(request, pk)
    if isinstance(got, HttpResponse):
        return got
    up, files = got
    f = _file(files, file)
    m = _draft(request, up, files)
    fm = m.files.setdefault(f.stem, mapping.FileMap())
    form = ColumnsForm(request.POST if request.method == "POST" else None, stem=f.stem, headings=f.export.headings, chosen=fm.columns)
    if request.method == "POST" and form.is_valid():
        chosen = {c: h for c, h in form.cleaned_data.items() if h}
        for col in list(fm.values):  # a column now read from another heading: its spellings are asked again
            if fm.columns.get(col, col).strip().lower() != chosen.get(col, col).strip().lower():
                del fm.values[col]
        # a heading spelled as the contract's own column needs no line in the mapping
        fm.columns = {c: h for c, h in chosen.items() if h.strip().lower() != c}
        m = importing.suggest(f, m)  # the spellings of the columns as now chosen
        _keep(request, up, m)
        return _next(up, files, m, ("columns", f.stem))
    return render(request, "web/mapping/columns.html", {
        "up": up, "form": form, "file": f, "back": _back(up, files, m, ("columns", f.stem)),
        "position": _position(files, m, f), "suggested": bool(fm.columns),
    })


@member("submit")
def values(request: HttpRequest, pk: str, file: str) -> HttpResponse:
    got = _staged(request, pk)
    if isinstance(got, HttpResponse):
        return got
    up, files = got
    f = _file(files, file)
    m = _draft(request, up, files)
    decide = importing.values_to_decide(f, m)
    if not decide:
        return _next(up, files, m, ("values", f.stem))
    fm = m.files[f.stem]
    headings = {col: importing.column_of(f.export, fm.columns.get(col, col)) or col for col in decide}
    form = ValuesForm(request.POST if request.method == "POST" else None, stem=f.stem, decide=decide, headings=headings)
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
        _keep(request, up, m)
        return _next(up, files, m, ("values", f.stem))
    return render(request, "web/mapping/values.html", {
        "up": up, "form": form, "file": f, "back": _back(up, files, m, ("values", f.stem)), "position": _position(files, m, f),
    })


def _position(files: list[importing.StagedFile], m: mapping.Mapping, f: importing.StagedFile) -> str:
    """Which of the files to match this is ("file 1 of 2 to match"), when there is more than one."""
    stems = list(dict.fromkeys(stem for _, stem in _steps(files, m)))
    return f"file {stems.index(f.stem) + 1} of {len(stems)} to match" if f.stem in stems and len(stems) > 1 else ""


def _back(up: Upload, files: list[importing.StagedFile], m: mapping.Mapping, here: tuple[str, str] | None) -> str:
    """The page before this one (the problems page before the first)."""
    steps = _steps(files, m)
    before = steps[: steps.index(here)] if here in steps else steps
    if not before:
        return reverse("upload-result", kwargs={"pk": up.pk})
    kind, stem = before[-1]
    return reverse(f"map-{kind}", kwargs={"pk": up.pk, "file": stem})


def _cleaned(m: mapping.Mapping) -> mapping.Mapping:
    """What is saved: decisions only (a spelling still "TODO" is left as an error, as validation would say)."""
    out = copy.deepcopy(m)
    for fm in out.files.values():
        fm.values = {col: {k: v for k, v in table.items() if v != mapping.TODO} for col, table in fm.values.items()}
        fm.values = {col: table for col, table in fm.values.items() if table}
    out.files = {stem: fm for stem, fm in out.files.items() if fm.columns or fm.values or fm.file or fm.sheet or fm.date_order != "day-first"}
    return out


@member("submit")
def check(request: HttpRequest, pk: str) -> HttpResponse:
    got = _staged(request, pk)
    if isinstance(got, HttpResponse):
        return got
    up, files = got
    m = _cleaned(_draft(request, up, files))
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
    stems = [f.stem for f in files]
    steps = _steps(files, _draft(request, up, files))  # the pages as made, so each file's change links go where they did
    return render(request, "web/mapping/check.html", {
        "up": up, "files": _listing(m, stems, steps, up), "back": _back(up, files, m, None),
    })


def _listing(m: mapping.Mapping, stems: list[str], steps: list[tuple[str, str]], up: Upload | None) -> list[dict[str, Any]]:
    """The mapping as summary lists, with the change links of the files this upload holds."""
    out = []
    for s in importing.summary(m):
        stem = s["stem"]
        if up is not None and ("columns", stem) in steps:
            s["change_columns"] = reverse("map-columns", kwargs={"pk": up.pk, "file": stem})
        if up is not None and stem in stems:
            s["change_values"] = reverse("map-values", kwargs={"pk": up.pk, "file": stem}) if ("values", stem) in steps else ""
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------------
# Your import mapping: view, download, upload, delete


@member("submit")
def overview(request: HttpRequest) -> HttpResponse:
    kept = ImportMapping.objects.filter(authority=request.authority).select_related("updated_by").first()  # type: ignore[attr-defined]
    m = importing.parse(kept.text)[0] if kept else None
    return render(request, "web/mapping/overview.html", {"kept": kept, "files": _listing(m, [], [], None) if m else [], "form": MappingFileForm()})


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
    form = MappingFileForm(request.POST or None, request.FILES or None)
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
