"""Records made in memory for the compliance rules' unit tests, and a copy of the demo site."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from conftest import REPO
from generator.calendar import WorkCalendar
from generator.config import DatasetConfig, Deadline, Period, PeriodRule
from generator.model import Layout, Lifecycle, Record

DEMO_AS_OF = date(2026, 11, 29)
CALENDAR = WorkCalendar.load()


def dataset(name="penalties", key=("文号",), deadline: Deadline | None = None, date_field="决定日期",
            internal=False) -> DatasetConfig:
    return DatasetConfig(name=name, item=18, title=name, file=f"data/{name}.csv", schema="", path=name,
                         key=key, title_field=key[0], date_field=date_field, agency_field=None, list_columns=(),
                         record_pages=True, remedy_notice=False, period=Period(None, None, PeriodRule()),
                         deadline=deadline, checks=(), order=(), internal=internal)


def record(ds: DatasetConfig, line=2, *, published=None, reviewed=None, status="", status_on=None,
           last_day=None, deadline=None, agency=None, life: dict | None = None, **values) -> Record:
    """A record with these column values; ``life`` sets other fields of its life cycle."""
    layout = Layout(tuple(values))
    life = Lifecycle(published, reviewed, status, status_on, None, last_day, "", "", deadline, False, **(life or {}))
    return Record(ds.name, f"id{line}", ds.file, line, layout, tuple(values.values()), life, agency)


def copy_demo(tmp_path: Path) -> Path:
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    return site
