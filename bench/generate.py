"""A deterministic corpus of newspaper pages in the dump format, for the benchmark.

Pages carry a masthead (full on page 1, a page line and the date elsewhere), 5–8 articles each
with kicker and title, a byline (reporters and correspondents drawn from a Zipf-like pool, so
some names are rare), bodies of ~1,000 characters made of sample-page sentences mixed with words
drawn from jieba's dictionary by frequency, union names at realistic rates, and photo captions.

    python bench/generate.py OUT_DIR --articles 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import re
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "tests" / "data" / "in").glob("*.txt"))
WEEKDAYS = "一二三四五六日"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玉兰峰辉雪晨浩宇鑫鹏飞琳翀胤锋斐佳曦"
INDUSTRY = ["集团", "有限公司", "股份有限公司", "医院", "学院"]


class Vocabulary:
    def __init__(self, rng: random.Random):
        self.rng = rng
        text = "\n".join(p.read_text(encoding="utf-8") for p in SAMPLES)
        self.sentences = [s.strip() + "。" for s in re.split(r"[。！？\n]", text) if 12 <= len(s.strip()) <= 120]
        words, weights = [], []
        for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
            word, freq, *_ = line.split()
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", word) and int(freq) > 50:
                words.append(word)
                weights.append(int(freq))
        # Cumulative weights, computed once: random.choices would sum 100k weights on every call.
        self.words, self.cum_weights = words, list(itertools.accumulate(weights))
        gazetteer = json.loads((ROOT / "newspaper" / "data" / "zhejiang_divisions.json").read_text(encoding="utf-8"))
        self.places = [p for city, places in gazetteer.items() if not city.startswith("_") for p in [city, *places]]
        # A Zipf-like pool of people: a few write most articles, many appear once or twice.
        self.people = [rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))) for _ in range(600)]
        self.people_weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.people))))

    def person(self) -> str:
        return self.rng.choices(self.people, cum_weights=self.people_weights)[0]

    def union(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(["省总工会", "浙江省总工会", "全总"])
        if r < 0.85:
            return self.rng.choice(self.places) + "总工会"
        place = self.rng.choice(self.places)[:2]
        return place + self.phrase(1) + self.rng.choice(INDUSTRY) + "工会"

    def phrase(self, k: int) -> str:
        return "".join(self.rng.choices(self.words, cum_weights=self.cum_weights, k=k))

    def body(self, length: int) -> list[str]:
        paragraphs, size = [], 0
        while size < length:
            parts = self.rng.sample(self.sentences, self.rng.randint(1, 3))
            if self.rng.random() < 0.6:
                parts.insert(0, self.phrase(self.rng.randint(4, 12)) + "，")
            if self.rng.random() < 0.25:
                parts.append(f"{self.union()}相关负责人表示，{self.phrase(3)}。")
            paragraph = "".join(parts)
            paragraphs.append(paragraph)
            size += len(paragraph)
        return paragraphs


def lunar(date: dt.date) -> str:
    stems, branches = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥"
    year = date.year - 4
    days = ["初一", "初五", "初十", "十五", "二十", "廿五"][date.day % 6]
    return f"{stems[year % 10]}{branches[year % 12]}年{'正二三四五六七八九十冬腊'[date.month - 1]}月{days}"


def page(v: Vocabulary, date: dt.date, number: int, issue_no: int) -> tuple[str, int]:
    rng = v.rng
    head = [
        f"第{number}版",
        lunar(date),
        f"{date.year}年{date.month}月{date.day}日",
        "星期" + WEEKDAYS[date.weekday()],
        "",
    ]
    if number == 1:
        head[0:1] = []
        head += [
            "国内统一刊号: CN33—0018",
            f"邮发代号: 31—2 总第{issue_no}号",
            "",
            "浙江工人日报",
            "",
            "社址: 杭州市学院路107号 邮编: 310012",
            "",
        ]
    lines = ["", "", "", "", *head]
    articles = rng.randint(5, 8)
    for _ in range(articles):
        lines += [f"{v.phrase(2)} {v.phrase(2)}", "", f"{rng.choice(v.places)}{v.phrase(3)}", ""]
        if rng.random() < 0.3:
            lines += ["", "", "", f"{v.phrase(5)}。记者{v.person()} 摄", ""]
        if rng.random() < 0.08:  # a photo-only item
            lines += [f"{v.phrase(3)}", "", "", "", f"{v.phrase(8)}，{v.phrase(6)}。", ""]
            continue
        byline = f"记者{v.person()}" + (f" 通讯员{v.person()}" if rng.random() < 0.4 else "")
        paragraphs = v.body(rng.randint(700, 1300))
        lines += [f"本报讯 {byline}报道 {paragraphs[0]}", ""]
        for paragraph in paragraphs[1:]:
            if rng.random() < 0.15 and len(paragraph) > 40:  # a column break inside a paragraph
                cut = rng.randint(10, len(paragraph) - 10)
                lines += [paragraph[:cut], "", paragraph[cut:], ""]
            else:
                lines += [paragraph, ""]
    lines += ["88851111", "", "新闻服务热线", "", f"责任编辑:{v.person()}", "", f"版面设计:{v.person()}"]
    return "\n".join(lines), articles


def generate(out: Path, articles: int, seed: int = 1) -> list[Path]:
    """Write pages holding about `articles` articles; returns their paths."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    out.mkdir(parents=True, exist_ok=True)
    written, total, day = [], 0, 0
    start = dt.date(1985, 1, 2)
    while total < articles:
        # Issues spread over four decades; 1-8 pages each.
        date = start + dt.timedelta(days=day * 3 + rng.randint(0, 2))
        day += 1
        for number in range(1, rng.randint(1, 8) + 1):
            text, n = page(vocabulary, date, number, 4000 + day)
            path = out / f"{date.isoformat()}_p{number:02d}.txt"
            path.write_text(text, encoding="utf-8")
            written.append(path)
            total += n
            if total >= articles:
                break
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.out, args.articles, args.seed)
    print(f"{len(paths)} pages written to {args.out}")
