"""What the Excel commands need of a site, loaded with the build's own functions: the dataset's
configuration and schema (or the corrections log's), the departments and the working-day
calendar.  Nothing here validates a row: that is the validate stage's job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..calendar import CalendarError, WorkCalendar
from ..checks import CHECKS
from ..config import CONFIG_FILE, ConfigError, DatasetConfig, SiteConfig, dataset_problems, load_config
from ..diagnostics import Diagnostic, diag
from ..model import Agency
from ..schema import SchemaError, TableSchema, load_schema
from ..stages.read import make_agency, read_agencies
from ..stages.validate import Context, validate_agencies

CORRECTIONS = "corrections"  # the corrections log's name on the command line (its key in site_config.yaml)
CORRECTIONS_TITLE = "更正记录"


class SourceError(Exception):
    """The site cannot be read far enough to work on the dataset: its problems, positioned."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class UnknownDataset(Exception):
    def __init__(self, name: str, known: list[str]):
        super().__init__(name)
        self.name, self.known = name, known


@dataclass(frozen=True)
class Target:
    """One table an editor works on: a dataset of site_config.yaml, or the corrections log."""

    name: str
    title: str
    file: str                    # the CSV, relative to the site root
    schema: TableSchema
    dataset: DatasetConfig | None  # None: the corrections log
    config: SiteConfig


def load_site_config(root: Path) -> SiteConfig:
    try:
        return load_config(root)
    except ConfigError as exc:
        raise SourceError(exc.diagnostics) from None


def target_names(config: SiteConfig) -> list[str]:
    return [ds.name for ds in config.datasets] + ([CORRECTIONS] if config.corrections else [])


def load_target(root: Path, config: SiteConfig, name: str) -> Target:
    """The dataset ``name`` with its schema; UnknownDataset when the site has no such table."""
    if name == CORRECTIONS and config.corrections:
        file, schema_path, ds, title = config.corrections.file, config.corrections.schema, None, CORRECTIONS_TITLE
    else:
        ds = next((d for d in config.datasets if d.name == name), None)
        if ds is None:
            raise UnknownDataset(name, target_names(config))
        file, schema_path, title = ds.file, ds.schema, ds.title
    try:
        schema = load_schema(root, schema_path)
    except SchemaError as exc:
        raise SourceError(exc.diagnostics) from None
    if ds is not None and (wrong := dataset_problems(ds, lambda c: schema.field(c) is not None, CHECKS,
                                                     lambda c: schema.field(c).public)):
        raise SourceError(wrong)
    return Target(name, title, file, schema, ds, config)


def load_agencies(root: Path, config: SiteConfig, problems: list[Diagnostic]) -> list[Agency]:
    return validate_agencies(config.agencies_file, read_agencies(root, config.agencies_file, problems),
                             problems, make_agency)


def load_context(root: Path, config: SiteConfig) -> Context:
    """Departments and calendar, as the build reads them; their problems stop the import (the
    build would stop too)."""
    problems: list[Diagnostic] = []
    agencies = load_agencies(root, config, problems)
    try:
        calendar = WorkCalendar.load(*config.calendar_files)
    except (CalendarError, OSError, ValueError) as exc:
        problems.append(diag("E-CONFIG", CONFIG_FILE, detail=f"工作日历：{exc}"))
    errors = [d for d in problems if d.severity.value == "error"]
    if errors:
        raise SourceError(errors)
    return Context(frozenset(a.name for a in agencies), calendar)
