"""The HTML pages: for each page kind, the template and what it is given.  A page's output
carries its subject's key first (a dataset's or department's name, a content page's number; see
``kinds.py``), then its own arguments."""

from __future__ import annotations

from ..history import ended_by, told
from ..site import AGENCY_PREVIEW, HOME_LATEST, PHASES, page_count
from . import routes
from .html import Renderer
from .text import text_of


def template(name: str):
    """A page that needs nothing but the site model (the departments, the platform, search …)."""
    def render(r: Renderer, output):
        return r.html(name, output.url)
    return render


def home(r: Renderer, output):
    site = r.site
    phases = [(p, [it for it in site.items if it.phase == p]) for p in PHASES]
    latest = [(site.datasets[n], site.datasets[n].listed[:HOME_LATEST]) for n in site.config.nav if n in site.datasets]
    return r.html("home.html", output.url, phases=phases, latest=latest, more=site.home_pages)


def phase(r: Renderer, output):
    (name,) = output.args
    return r.html("phase.html", output.url, phase=name, items=[it for it in r.site.items if it.phase == name])


def dataset_list(r: Renderer, output):
    """Page n of a dataset's list."""
    name, n = output.args
    view = r.site.datasets[name]
    size = r.site.config.page_size
    rows = view.listed[(n - 1) * size: n * size]
    pager = r.pager(routes.dataset(view), n, page_count(len(view.listed), size))
    return r.html("list.html", output.url, view=view, rows=rows, pager=pager, offset=(n - 1) * size, agency=None)


def agency_dataset(r: Renderer, output):
    """Page n of a department's records of one dataset (when its page shows only the latest)."""
    agency_name, name, n = output.args
    view = r.site.datasets[name]
    agency = r.site.agency_by_name[agency_name]
    size = r.site.config.page_size
    indexes = view.by_agency.get(agency_name, ())
    rows = [view.listed[i] for i in indexes[(n - 1) * size: n * size]]
    pager = r.pager(routes.agency_dataset(agency, view), n, page_count(len(indexes), size))
    return r.html("list.html", output.url, view=view, rows=rows, pager=pager, offset=(n - 1) * size, agency=agency)


def record(r: Renderer, output):
    # what this reads of the site model is the key of a stored page (reuse.py, ``_material``):
    # a new input here must be added there
    name, i = output.args
    view = r.site.datasets[name]
    shown = view.listed[i]
    agency = r.site.agency_by_name.get(shown.agency)
    corrections = told(shown.life, view.corrections.get(shown.id, ()), r.site.as_of)
    return r.html("record.html", output.url, view=view, record=shown, agency=agency, corrections=corrections)


def notice(r: Renderer, output):
    """What stands at a withdrawn (or credit-repaired) record's URL (410 Gone): its number, what
    ended it, when, and the note."""
    name, i = output.args
    view = r.site.datasets[name]
    withdrawn = view.withdrawn[i]
    number_field = view.config.key[-1]
    kind, on, note = ended_by(view.config, withdrawn)  # a withdrawal, or a credit repair (P10.4)
    return r.html("notice.html", output.url, view=view, record=withdrawn, kind=kind, on=on,
                  number=text_of(withdrawn.get(number_field)), number_label=number_field, note=note)


def agency(r: Renderer, output):
    """A department: its duties and contacts, then the latest of each dataset's records."""
    department = r.site.agency_by_name[output.args[0]]
    sections, empty = [], []
    for view in r.site.datasets.values():
        if not view.config.agency_field:
            continue
        indexes = view.by_agency.get(department.name, ())
        if not indexes:
            empty.append(view)
            continue
        more = routes.agency_dataset(department, view) if len(indexes) > AGENCY_PREVIEW else None
        sections.append((view, [view.listed[i] for i in indexes[:AGENCY_PREVIEW]], len(indexes), more))
    return r.html("agency.html", output.url, agency=department, sections=sections, empty=empty)


def content(r: Renderer, output):
    return r.html("content.html", output.url, page=r.site.pages[output.args[0]])
