"""``site_config.yaml`` as a whole: the site, its channels for corrections and remedies, the
calendar files, the datasets and the compliance settings — declared key by key (options.py) and
read by ``load_config``."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from ..diagnostics import diag
from ..yamlfile import YamlError, read_yaml
from .compliance import Compliance, with_correction_terms
from .datasets import CONFIG_FILE, DatasetConfig
from .kinds import Basis, Integer, ListOf, MapOf, Text, values_of
from .options import At, ConfigError, Option, Section, problems_as_diagnostics, section
from .supervision import Supervision

TAG = r"[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?"


@section
class Corrections:
    """The corrections log (P5.1): one row per correction of a published record."""

    file: str = Option(Text(), "the log's CSV", required=True)
    schema: str = Option(Text(), "its Table Schema", required=True)


# columns the corrections log must have: which dataset, which record, when
CORRECTION_COLUMNS = ("数据集", "记录", "更正日期")


@section
class CorrectionChannel:
    """Where the public suggests a correction (P5.3, P5.4; 附件1第十四、十五条): shown on every page."""

    department: str = Option(Text(), "the department that handles suggestions", required=True)
    phone: str = Option(Text(), "its telephone", required=True)
    address: str = Option(Text(), "its postal address", required=True)
    postcode: str = Option(Text(r"\d{6}", '"750002"'), "its postcode (quoted)", required=True)
    channels: str = Option(Text(), "every channel, in one sentence", required=True)
    answer_working_days: int = Option(Integer(min=1, max=60), "working days to answer (P5.3)", required=True)
    basis: str = Option(Basis(), "legal basis of that term")


@section
class Remedy:
    """How to seek remedy against a decision (P7; 附件1第十六条): on every decision's page."""

    review_days: int = Option(Integer(min=1, max=365), "days to apply for administrative review", required=True)
    review_basis: str = Option(Basis(), "legal basis of that term")
    litigation_months: int = Option(Integer(min=1, max=120), "months to bring a lawsuit", required=True)
    litigation_basis: str = Option(Basis(), "legal basis of that term")


@section
class Licence:
    """The open data's licence: datapackage.json's ``licenses``, the downloads page and every .xlsx name it."""

    name: str = Option(Text(r"[-A-Za-z0-9._]+", "CC-BY-4.0"), "its identifier (Open Definition or SPDX)", required=True)
    title: str = Option(Text(), "its name as readers see it", required=True)
    path: str = Option(Text(r"https?://\S+", "https://creativecommons.org/licenses/by/4.0/"), "where its text is",
                       required=True)


@section
class SiteConfig:
    groups = {"site": "the site itself"}

    # where the site is checked out: not in repr(), which the build cache's keys hold (a cache
    # restored into another checkout, or another CI workspace, is still the same inputs)
    root: Path = field(repr=False)
    title: str = Option(Text(), "the platform's name", key="site.title", required=True)
    short_title: str = Option(Text(), "short name, in page titles and in the header on phones", key="site.short_title", default_doc="`site.title`")
    base_url: str = Option(Text(r"https?://[^\s/]+(/\S*)?", "https://gongshi.example.gov.cn/"),
                           "the published address (feeds, sitemap and exports use it)", key="site.base_url", required=True)
    publisher: str = Option(Text(), "the department that publishes", key="site.publisher", required=True)
    licence: Licence | None = Option(Section(Licence), "the open data's licence (none: the downloads name none)",
                                     key="site.licence", default=None)
    page_size: int = Option(Integer(min=1, max=1000), "records per list page", key="site.page_size", default=50)
    feed_size: int = Option(Integer(min=1, max=10000), "changes per feed", key="site.feed_size", default=100)
    nav: tuple = Option(ListOf(Text()), "datasets linked from the top navigation", key="site.nav",
                        default_doc="the first two datasets")
    tag: str = Option(Text(TAG, "hrss.nx.gov.cn,2019"), "authority of the feeds' tag: ids (RFC 4151); never change it",
                      key="site.tag", default_doc="host of `base_url`, 2019")
    agencies_file: str = Option(Text(), "the departments (item 1)", key="agencies", default="data/agencies.yaml")
    content_dir: str = Option(Text(), "Markdown pages and their files", key="content", default="content")
    calendar_files: tuple = Option(ListOf(Text()), "extra holiday notices (YAML, like generator/holidays.yaml; C4)",
                                   key="calendar")
    correction: CorrectionChannel = Option(Section(CorrectionChannel), "the correction channel (P5.3, P5.4)",
                                           required=True)
    remedy: Remedy | None = Option(Section(Remedy), "remedies (P7); required when a dataset has `remedy_notice`",
                                   default=None)
    corrections: Corrections | None = Option(Section(Corrections), "the corrections log (P5.1)", default=None)
    datasets: tuple = Option(MapOf(Section(DatasetConfig), into=values_of, name="name"), "the datasets, by name",
                             required=True)
    compliance: Compliance = Option(Section(Compliance), "what `gongshi check` checks beyond the build",
                                    default=Compliance())
    supervision: Supervision = Option(Section(Supervision), "the timeliness report and the 公示情况 page (P8, P9)",
                                      default=Supervision())
    raw: dict = field(repr=False, default_factory=dict)  # the YAML as read

    def dataset(self, name: str) -> DatasetConfig:
        for ds in self.datasets:
            if ds.name == name:
                return ds
        raise KeyError(name)

    @classmethod
    def settle(cls, values, written, at):
        values["short_title"] = values["short_title"] or values["title"]
        base_url = values["base_url"]
        values["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
        values["tag"] = values["tag"] or _default_tag(base_url)
        values["calendar_files"] = tuple(values["root"] / p for p in values["calendar_files"])
        datasets = values["datasets"]
        if at.clean("datasets"):  # else a dataset that failed would be reported missing again
            published = [ds.name for ds in datasets if not ds.internal]  # an internal dataset has no URL
            values["nav"] = values["nav"] or tuple(published[:2])
            for name in values["nav"]:
                if name not in published:
                    (at / "site" / "nav").fail(f"{{path}} 中的“{name}”不是已配置的（公开）数据集")
            paths = [ds.path for ds in datasets if not ds.internal]
            for path in sorted({p for p in paths if paths.count(p) > 1}):
                (at / "datasets").fail(f"{{path}} 中有多个数据集的 path 都是“{path}”")
            names = {ds.name for ds in datasets}
            for ds in datasets:  # the hearings a major-by-hearing test looks in (L2)
                if ds.major and ds.major.hearing and ds.major.hearing.dataset not in names:
                    (at / "datasets" / ds.name / "major" / "hearing" / "dataset").fail(
                        f"{{path}}：“{ds.major.hearing.dataset}”不是已配置的数据集")
            noticed = [ds.name for ds in datasets if ds.remedy_notice]
            if noticed and values["remedy"] is None and at.clean("remedy"):
                (at / "remedy").fail(f"缺少 {{path}}（数据集 {'、'.join(noticed)} 设置了 remedy_notice，须写明救济途径，规则 P7）")
        correction = values["correction"] if at.clean("correction") else None
        values["compliance"] = with_correction_terms(values["compliance"], correction, at / "compliance")


def _default_tag(base_url: str) -> str:
    host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return f"{host},2019"  # the year of the regulation (宁人社规字〔2019〕15号)


SITE = Section(SiteConfig)


def load_config(root: Path) -> SiteConfig:
    """``root/site_config.yaml``, read by its declarations; raises ConfigError with every problem."""
    root = Path(root)
    if not (root / CONFIG_FILE).is_file():
        raise ConfigError([diag("E-FILE-MISSING", CONFIG_FILE, file=(root.resolve() / CONFIG_FILE).as_posix())])
    try:
        doc = read_yaml(root / CONFIG_FILE, CONFIG_FILE)
    except YamlError as exc:
        raise ConfigError([exc.diagnostic]) from None
    raw = doc.data if doc.data is not None else {}
    at = At()
    if not isinstance(raw, dict):
        raise ConfigError([diag("E-CONFIG", CONFIG_FILE, 1, detail="顶层应为映射（site:、datasets: 等）")])
    config = SITE.parse(raw, at, {"root": root, "raw": raw})
    if at.problems:
        raise ConfigError(problems_as_diagnostics(at.problems, CONFIG_FILE, doc))
    return config
