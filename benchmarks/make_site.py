"""Make a benchmark site: the repository's site (config, schemas, departments, other datasets)
with N synthetic, valid penalty records (checksums right, numbers unique per department).

    python benchmarks/make_site.py --n 100000 --out /tmp/gongshi-bench/site-100000

Deterministic for a given --seed.  All records fall inside their display period as of
--as-of (default 2026-11-29), so the site has one page per record, like the shared bench's.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, uscc_check_char  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国海燕志强丽娟明辉秀英伟华红梅晓东文静国庆桂兰玉珍永刚春燕金凤小军德胜淑芬宏伟学军"
TRADES = ["建筑劳务", "餐饮管理", "物业管理", "物流", "机械制造", "商贸", "农业开发", "建材", "家政服务", "保安服务",
          "酒店管理", "汽车修理", "电子科技", "纺织", "食品加工", "人力资源服务", "装饰工程", "清洁服务"]
PLACES = ["银川市", "银川市兴庆区", "银川市金凤区", "银川市西夏区", "永宁县", "贺兰县", "灵武市", "石嘴山市",
          "平罗县", "吴忠市", "青铜峡市", "盐池县", "同心县", "固原市", "西吉县", "中卫市", "中宁县"]
WORDS = "宏远永固金穗通达兴业晨光恒达鑫盛华泰瑞丰嘉禾祥和广源德润佳美中天宁安塞上贺兰六盘黄河朔方"
VIOLATIONS = [
    ("拖欠劳动者工资", "《劳动保障监察条例》第二十六条", "拖欠 {k} 名劳动者工资共计 {a} 元，经责令限期支付逾期未支付。"),
    ("未依法缴纳社会保险费", "《社会保险法》第八十六条", "未按时足额缴纳 {k} 名职工社会保险费共计 {a} 元。"),
    ("违反工作时间规定", "《劳动保障监察条例》第二十五条", "安排 {k} 名劳动者每月延长工作时间超过 36 小时。"),
    ("未依法签订劳动合同", "《劳动合同法》第八十二条", "招用 {k} 名劳动者未订立书面劳动合同。"),
    ("阻挠劳动保障监察", "《劳动保障监察条例》第三十条", "无理阻挠劳动保障监察员依法进入工作场所检查。"),
]


def uscc(rng: random.Random, kind: str = "91") -> str:
    region = rng.choice(["640100", "640104", "640105", "640106", "640121", "640122", "640181", "640200",
                         "640221", "640300", "640381", "640400", "640500", "640521"])
    body = kind + region + "MA7" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return body + uscc_check_char(body)


def resident_id(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
    body = f"6401{rng.randrange(1, 30):02d}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def make_penalties(n: int, seed: int, as_of: date, agencies: list[str], header: list[str], path: Path) -> list:
    """Write the records; returns (number, publication day) of every 100th, to be corrected."""
    rng = random.Random(seed)
    corrected = []
    serial = {name: 0 for name in agencies}
    prefixes = {name: f"宁人社{i:02d}监罚" for i, name in enumerate(agencies)}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        for i in range(n):
            agency = agencies[i % len(agencies)]
            decided = as_of - timedelta(days=rng.randrange(20, 340))
            serial[agency] += 1
            kind, basis, facts = rng.choice(VIOLATIONS)
            fine = rng.randrange(2, 100) * 1000
            org = f"{rng.choice(PLACES)}{''.join(rng.sample(WORDS, 2))}{rng.choice(TRADES)}有限公司"
            major = i % 97 == 0
            row = dict.fromkeys(header, "")
            row.update({
                "行政处罚决定书文号": f"{prefixes[agency]}〔{decided.year}〕{serial[agency]}号",
                "案件名称": f"{org}{kind}案", "行政相对人名称": org, "行政相对人类别": "法人及非法人组织",
                "统一社会信用代码": uscc(rng), "法定代表人": person(rng),
                "证件号码": resident_id(rng), "联系电话": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "住址": f"{rng.choice(PLACES)}某街道{rng.randrange(1, 300)}号",
                "违法行为类型": kind, "违法事实": facts.format(k=rng.randrange(2, 80), a=fine * 3),
                "处罚依据": basis, "处罚类别": "罚款" if rng.random() < 0.8 else "警告、罚款",
                "处罚内容": f"罚款人民币{fine}元", "罚款金额（元）": str(fine),
                "处罚决定日期": decided.isoformat(), "处罚机关": agency,
                "承办人": f"{person(rng)}、{person(rng)}",
                "内部意见": f'承办人意见：建议"从轻"，理由如下，\n1. 首次违法；2. 已整改（案卷第{i}页）',
                "是否重大": "是" if major else "否",
                "保密审查人": person(rng), "保密审查日期": (decided + timedelta(days=1)).isoformat(),
                "公示日期": (decided + timedelta(days=2)).isoformat(),
            })
            if major:
                row.update({"法制审核意见书编号": f"宁人社法审〔{decided.year}〕{i}号",
                            "法制审核日期": (decided - timedelta(days=3)).isoformat(), "法制审核结论": "同意"})
            writer.writerow(row)
            if i % 100 == 50:
                corrected.append((row["行政处罚决定书文号"], decided + timedelta(days=2)))
    return corrected


def write_corrections(path: Path, corrected: list, as_of: date) -> None:
    """The corrections log: the demo's rows for other datasets, and one correction for 1 % of the
    synthetic penalties (so that feeds carry 更正 entries as they would in use)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:  # the repository's CSVs carry a BOM
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, [r for r in reader if r["数据集"] != "penalties"]
    for number, published in corrected:
        on = min(published + timedelta(days=7), as_of)
        rows.append(dict.fromkeys(header, "") | {
            "数据集": "penalties", "记录": number, "更正日期": on.isoformat(), "更正内容": "违法事实中的人数更正",
            "更正原因": "录入错误", "更正依据": "更正审批单", "经办人": "王某"})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 29))
    ap.add_argument("--from", dest="source", type=Path, default=REPO, help="site to start from (default: this repo's)")
    args = ap.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(args.source, args.out, ignore=shutil.ignore_patterns(
        ".git", ".venv", "public", "tests", "benchmarks", "generator", "*.egg-info", "__pycache__"))
    agencies = [a["名称"] for a in
                yaml.safe_load((args.source / "data/agencies.yaml").read_text(encoding="utf-8"))["agencies"]]
    schema = json.loads((args.source / "data/penalties.schema.json").read_text(encoding="utf-8"))
    header = [f["name"] for f in schema["fields"]]
    corrected = make_penalties(args.n, args.seed, args.as_of, agencies, header, args.out / "data/penalties.csv")
    if (args.out / "data/corrections.csv").is_file():
        write_corrections(args.out / "data/corrections.csv", corrected, args.as_of)
    print(f"{args.n} penalties → {args.out}")


if __name__ == "__main__":
    main()
