"""Typed site configuration, read from ``site_config.yaml``.

Every key is declared once (options.py: an ``Option`` with its kind from kinds.py, default, whether it
is required and a description); the declarations are the frozen dataclasses the build uses —
datasets.py (``datasets:``; a dataset's ``major:`` and ``credit:`` in law.py), site.py (the site,
its channels, ``load_config``) and compliance.py (``compliance:``, read by ``gongshi check``).  reference.py turns them into the README's table.
"""

from .compliance import DUTY_CODES, Compliance, Duty, with_correction_terms
from .datasets import (CONFIG_FILE, EXPORT_SOURCES, GROUP_UNITS, LIFECYCLE_DEFAULTS, STATUS_DELETED, STATUS_NORMAL,
                       STATUS_NOTED, STATUS_WITHDRAWN, DatasetConfig, Deadline, GroupBy, MappedExport, Period, PeriodRule,
                       SearchConfig, columns_named, dataset_problems, when_matches)
from .kinds import Basis, Choice, Flag, Integer, ListOf, MapOf, Number, OneOrMany, Text
from .options import ConfigError, Option, Section, nearest, section, unknown_key
from .reference import reference, reference_table
from .site import (CORRECTION_COLUMNS, SITE, CorrectionChannel, Corrections, Remedy, SiteConfig, load_config)
from .supervision import Supervision

__all__ = [
    "Basis", "Choice", "Flag", "Integer", "ListOf", "MapOf", "Number", "OneOrMany", "Text", "reference",
    "CONFIG_FILE", "CORRECTION_COLUMNS", "DUTY_CODES", "EXPORT_SOURCES", "GROUP_UNITS", "LIFECYCLE_DEFAULTS", "SITE",
    "STATUS_DELETED", "STATUS_NORMAL", "STATUS_NOTED", "STATUS_WITHDRAWN", "Compliance", "ConfigError", "CorrectionChannel",
    "Corrections", "DatasetConfig", "Deadline", "Duty", "GroupBy", "MappedExport", "Option",
    "Period", "PeriodRule", "Remedy", "SearchConfig", "Section", "SiteConfig", "Supervision",
    "columns_named", "dataset_problems",
    "load_config", "nearest", "reference_table", "section", "unknown_key", "when_matches", "with_correction_terms",
]
