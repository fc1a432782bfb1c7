"""``supervision:`` in site_config.yaml — the supervisors' view of disclosure (P8, P9; 通知 四、四):
the timeliness report (``gongshi check --format html``) and the public 公示情况 page.

The report shows what the public site shows, counts, and nothing private — except the internal
*dates* a site lists under ``reportable`` (e.g. the day a correction suggestion was received).
Only columns of type ``date`` may be listed: a date cannot carry an ID number or a name, and the
check refuses any other column (E-CONFIG), so a mistake here cannot publish a private value."""

from __future__ import annotations

from .kinds import Flag, Integer, ListOf, MapOf, Text, sorted_pairs
from .options import Option, section


@section
class Supervision:
    public_page: bool = Option(Flag(), "publish the 公示情况 page: timeliness per department and the 本期无 "
                               "statements (P8, P9)", default=False)
    months: int = Option(Integer(min=3, max=36), "months of timeliness shown, ending with the as-of month",
                         default=12)
    reportable: tuple = Option(MapOf(ListOf(Text()), into=sorted_pairs, placeholder="<dataset>"),
                               "private *date* columns the HTML report may show, per dataset (dates only)")

    def reportable_columns(self, dataset: str) -> tuple[str, ...]:
        return dict(self.reportable).get(dataset, ())
