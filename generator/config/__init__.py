"""Typed site configuration, read from ``site_config.yaml``.

Every key is declared once (options.py: kind, default, required, description); the declarations
live beside the frozen dataclasses the build uses — datasets.py (``datasets:``), site.py (the site,
its channels, ``load_config``) and compliance.py (``compliance:``, read by ``gongshi check``).
"""

from .compliance import DUTY_CODES, Compliance, Duty, MajorThresholds, with_correction_terms
from .datasets import (CONFIG_FILE, EXPORT_SOURCES, GROUP_UNITS, LIFECYCLE_DEFAULTS, STATUS_NORMAL, STATUS_NOTED,
                       STATUS_WITHDRAWN, DatasetConfig, Deadline, GroupBy, MappedExport, Period, PeriodRule,
                       SearchConfig, columns_named, dataset_problems, when_matches)
from .options import ConfigError, Option, Section, nearest, reference_table, section, unknown_key
from .site import (CORRECTION_COLUMNS, SITE, CorrectionChannel, Corrections, Remedy, SiteConfig, load_config)

__all__ = [
    "CONFIG_FILE", "CORRECTION_COLUMNS", "DUTY_CODES", "EXPORT_SOURCES", "GROUP_UNITS", "LIFECYCLE_DEFAULTS", "SITE",
    "STATUS_NORMAL", "STATUS_NOTED", "STATUS_WITHDRAWN", "Compliance", "ConfigError", "CorrectionChannel",
    "Corrections", "DatasetConfig", "Deadline", "Duty", "GroupBy", "MajorThresholds", "MappedExport", "Option",
    "Period", "PeriodRule", "Remedy", "SearchConfig", "Section", "SiteConfig", "columns_named", "dataset_problems",
    "load_config", "nearest", "reference_table", "section", "unknown_key", "when_matches", "with_correction_terms",
]
