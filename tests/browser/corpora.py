"""Generated digests for measuring search: two-word phrases that occur in a few entries, while their
words occur apart, and more often, in many others. One in English, one in Chinese; the same size and
seed always give the same digest.

Used by tests/browser/test_search_recall.py and bench/search_recall.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ENGLISH_WORDS = """harbour lantern copper meadow tariff glacier orchard ledger violin compass falcon quarry
saddle timber beacon canvas walnut pepper marble cobalt engine garden silver thunder velvet anchor basket
candle dragon feather island jungle kettle ladder magnet needle oyster parrot rocket spider tunnel
umbrella volcano wagon zipper bridge cactus desert forest hammer iceberg""".split()  # noqa: SIM905
ENGLISH_FILLER = """the report said that a city council would review its plans for next year while local
firms waited for news about prices and many readers wrote letters asking what the change would mean
for them""".split()  # noqa: SIM905

# Words a Chinese reader would type, several of which a dictionary splits differently from the
# browser's segmenter (地磁暴, 麒麟, 光伏, 锂电池 ...).
CHINESE_WORDS = """地磁暴 麒麟 芯片 云计算 数字化 电子商务 人工智能 区块链 物联网 新能源 光伏 半导体 疫苗 航天 卫星
火箭 高铁 港口 关税 汇率 通胀 债券 股市 房地产 农业 粮食 稀土 锂电池 充电桩 自动驾驶 大模型 算力 数据中心
直播带货 跨境电商 移动支付 碳中和 风电 核电 台风 暴雨 干旱 冰川 沙漠 熊猫 长江 黄河 茶叶 丝绸 瓷器 书法
京剧 围棋 太极""".split()  # noqa: SIM905
CHINESE_FILLER = ["据报道\uff0c", "今年以来", "有关部门表示", "业内人士认为", "市场普遍关注", "记者了解到", "专家指出",
                  "相关企业", "进一步推动", "取得了新的进展", "受到广泛关注", "仍然面临挑战", "预计明年", "各地纷纷",
                  "消费者", "产业链", "发展前景", "政策支持"]

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Corpus:
    """A generated digest: its files (content path -> text) and what a search should find in it."""

    language: str
    files: dict[str, str]
    phrases: dict[str, set[str]]  # phrase as a reader types it -> titles of the entries holding it
    words: dict[str, set[str]]  # each vocabulary word -> titles of the entries holding it
    dates: dict[str, str]  # title -> date


def corpus(language: str, entries: int = 300, phrases: int = 40, seed: int = 7) -> Corpus:
    """`entries` entries; `phrases` two-word phrases, each in one to five entries, each of whose
    words is also in about a tenth of the entries, apart from the other and more often."""
    chinese = language == "zh"
    vocabulary, filler = (CHINESE_WORDS, CHINESE_FILLER) if chinese else (ENGLISH_WORDS, ENGLISH_FILLER)
    join = "" if chinese else " "
    rng = random.Random(f"{language}-{entries}-{phrases}-{seed}")
    pairs: list[tuple[str, str]] = []
    while len(pairs) < phrases:
        a, b = rng.sample(vocabulary, 2)
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.append((a, b))
    bodies: list[list[str]] = [[] for _ in range(entries)]  # sentences of each entry

    def sentence(*words: str) -> str:
        pieces = [rng.choice(filler) for _ in range(6)]
        for word in words:
            pieces.insert(rng.randrange(len(pieces) + 1), word)
        text = join.join(pieces)
        return text + "。" if chinese else text.capitalize() + "."

    holders: dict[str, set[int]] = {}
    for a, b in pairs:
        together = rng.sample(range(entries), rng.randint(1, 5))
        holders[join.join((a, b))] = set(together)
        for n in together:
            bodies[n].append(sentence(a + join + b))
        for n in rng.sample(range(entries), entries // 10):  # the words apart, each said twice
            if n not in together:
                bodies[n] += [sentence(a, rng.choice(filler), b), sentence(b), sentence(a)]
    for body in bodies:
        body += [sentence() for _ in range(6)]
        rng.shuffle(body)
    # A sentence may by chance hold a phrase it was not given: what counts is the text.
    titles = [f"第{n + 1}号简报" if chinese else f"Dispatch {n + 1}" for n in range(entries)]
    texts = [join.join(body) for body in bodies]
    found_phrases = {p: {titles[n] for n, t in enumerate(texts) if p in t} for p in holders}
    found_words = {w: {titles[n] for n, t in enumerate(texts) if _holds(t, w, chinese)} for w in vocabulary}
    files = {"site.yaml": _SITE.format(language=language), "topics.yaml": _TOPICS,
             "people.yaml": "{}\n", "organizations.yaml": "{}\n"}
    dates = {}
    for n, body in enumerate(bodies):
        date = f"{2000 + n % 24}-{1 + n * 7 % 12:02d}-{1 + n * 11 % 28:02d}"
        dates[titles[n]] = date
        paragraphs = "\n\n".join(join.join(body[i:i + 4]) for i in range(0, len(body), 4))
        files[f"entries/d-{n + 1:04d}.md"] = _ENTRY.format(
            title=titles[n], date=date, kind=("news", "feature", "commentary")[n % 3],
            topic=("markets", "science", "culture")[n % 3], body=paragraphs,
            summary="这是为测试写的简报。" if chinese else "A dispatch written for the tests.")
    return Corpus(language, files, found_phrases, found_words, dates)


def _holds(text: str, word: str, chinese: bool) -> bool:
    return word in text if chinese else f" {word} " in f" {text.replace('.', ' ')} ".lower()


_SITE = """\
title: Generated Digest
description: Entries generated to measure search.
language: {language}
"""
_TOPICS = """\
markets: {title: Markets, description: Money.}
science: {title: Science, description: Findings.}
culture: {title: Culture, description: Arts.}
"""
_ENTRY = """\
---
title: "{title}"
date: {date}
kind: {kind}
source: {{publisher: Generated Press}}
summary: {summary}
topics: [{topic}]
---
{body}
"""
