"""Translation memory latency: one block's lookup (every sentence, fuzzy and exact) on a memory of 100,000 segments.

    .venv/bin/python bench/tm_latency.py [--segments 100000] [--blocks 60] [--sqlite-only]

Builds the memory on a throw-away SQLite database with the demo content, then, when a
PostgreSQL server answers (the one in DATABASE_URL, else postgres@127.0.0.1:5432), again on
a throw-away database of its own there (created and dropped; never the caller's database).
The segments are generated sentences of several shapes from a vocabulary of some 300 words
(people, things, actions, places) drawn with Zipf-like weights, each translated into four of
seven languages in their own scripts. Each block asked for mixes sentences in memory, edited ones (a word changed,
added or dropped) and new ones, as a translator's block does. Prints the median and p95
time per block against the goal of 100 ms, and how often the memory found what it should.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

parser = argparse.ArgumentParser()
parser.add_argument("--segments", type=int, default=100_000)
parser.add_argument("--blocks", type=int, default=60)
parser.add_argument("--sentences", type=int, default=8, help="sentences per block")
parser.add_argument("--sqlite-only", action="store_true")
parser.add_argument("--database-url", help=argparse.SUPPRESS)  # the PostgreSQL run, started by the SQLite one
ARGS = parser.parse_args()

from demo_setup import demo_setup  # noqa: E402
from figures import figure, verdict  # noqa: E402

CALLER_DATABASE_URL = os.environ.get("DATABASE_URL", "")
_WORK, CURRICULUM = demo_setup("cc-bench-tm-", database_url=ARGS.database_url)

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402

from curriculum.models import Block, Module, Partner  # noqa: E402
from translations.memory import memory_hidden_scopes, memory_matches, segment_hash  # noqa: E402
from translations.models import MemorySegment  # noqa: E402
from translations.segmenting import segment_key  # noqa: E402
from translations.units import Unit  # noqa: E402

GOAL_MS = 100
LANGUAGES = ["fr", "ar", "ru", "hi", "sw", "fa", "bn"]
LANGUAGES_PER_SENTENCE = 4
LOOKUP_LANGUAGE = "ar"
# Letters of each target language's script: a generated translation is as long, and in the script, of a real one.
ALPHABETS = {
    "fr": "abcdefghijlmnopqrstuvéèàç",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "hi": "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह",
    "sw": "abcdefghijklmnoprstuvwyz",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "bn": "কখগঘচছজঝটঠডঢণতথদধনপফবভমযরলশসহ",
}
ENDINGS = {"ar": ".", "fa": ".", "hi": "।", "bn": "।"}
# Words of a leadership curriculum's manuals, many more of some kinds than others; drawn with Zipf-like weights
# (the first words of each list far more often than the last), as words are in real text.
WORDS = {
    "person": """facilitator participant group woman trainer mentor partner leader member committee council
        cooperative assembly secretariat officer clinic host nurse teacher student mother daughter sister
        neighbour elder chief lawyer journalist farmer trader midwife volunteer coordinator organiser youth
        delegate speaker candidate treasurer secretary chairperson survivor activist researcher counsellor
        paralegal councillor representative interpreter caregiver apprentice""",
    "thing": """objectives story budget rights plan meeting risks rules results letter map services conflict
        consent campaign costs project timeline elections case message difference questions handout agenda
        minutes report petition proposal strategy goals values network exercise session scenario role
        summary materials flipchart notes poster survey interview evidence policy law constitution court
        land title water well school clinic market loan savings harvest salary contract union strike
        violence safety shelter hotline referral health care income tax vote ballot quota seat mandate""",
    "action": """explains writes discusses reviews presents questions agrees plans challenges shares negotiates
        summarises draws records compares defends translates rehearses prepares lists ranks chooses
        drafts signs reads collects counts checks reports invites visits interviews trains supports
        organises mobilises documents analyses maps monitors evaluates celebrates welcomes closes opens""",
    "quality": """local personal respectful next whole small large first last new main difficult safe
        public private common fair equal urgent careful honest clear short long yearly monthly shared
        written spoken legal political economic social cultural traditional young older rural urban""",
    "place": """Kano Irbid Dushanbe Bishkek Lahore Dhaka Mombasa Arusha Herat Osh Khujand Sylhet Zinder
        Tabriz Mardan Kisumu Maradi Karakol Rajshahi Multan Jerash Dodoma Tashkent Samarkand Shiraz Quetta""",
    "time": """before the break|in small groups|with a partner|on the flip chart|in her own language|
        without interrupting|for ten minutes|at the end of the session|in the community hall|
        after the role play|using the handout|in a circle|before voting|for the next workshop|with care|
        in writing|out loud|step by step|during the exercise|on the second day|every month|since last year|
        in the morning|after lunch|at the market|by radio|by text message|in the evening|each week""",
}  # fmt: skip
WORDS = {kind: [w.strip() for w in text.split("|" if kind == "time" else None)] for kind, text in WORDS.items()}
LEADS = ["", "", "", "", "First, ", "Then ", "Afterwards, ", "If there is time, ", "Together, ", "In pairs, "]


def pick(rng, kind):
    words = WORDS[kind]
    return words[
        min(int(rng.paretovariate(1.0)) - 1, len(words) - 1) if rng.random() < 0.5 else rng.randrange(len(words))
    ]


def sentence(rng):
    """A sentence from one of several shapes: who does what, with what, where and when."""
    shape = rng.randrange(5)
    if shape == 0:
        text = f"the {pick(rng, 'person')} {pick(rng, 'action')} the {pick(rng, 'quality')} {pick(rng, 'thing')}"
    elif shape == 1:
        text = (
            f"each {pick(rng, 'person')} in {pick(rng, 'place')} {pick(rng, 'action')} the {pick(rng, 'thing')} "
            f"and the {pick(rng, 'thing')} {pick(rng, 'time')}"
        )
    elif shape == 2:
        text = f"ask the {pick(rng, 'person')} why the {pick(rng, 'thing')} matters to the {pick(rng, 'person')}"
    elif shape == 3:
        text = (
            f"the {pick(rng, 'quality')} {pick(rng, 'thing')} of the {pick(rng, 'person')} is "
            f"{pick(rng, 'quality')} {pick(rng, 'time')}"
        )
    else:
        text = (
            f"when the {pick(rng, 'person')} {pick(rng, 'action')} the {pick(rng, 'thing')}, the "
            f"{pick(rng, 'person')} {pick(rng, 'action')} a {pick(rng, 'quality')} {pick(rng, 'thing')} "
            f"{pick(rng, 'time')}"
        )
    text = rng.choice(LEADS) + text
    return segment_key(text[0].upper() + text[1:] + rng.choice(".....?!"))


def edited(rng, text):
    """The sentence with one word changed, added or dropped: what a source revision or a near-repetition looks like."""
    words = text.split()
    position = rng.randrange(1, len(words) - 1)
    action = rng.choice(["change", "add", "drop"])
    if action == "change":
        words[position] = pick(rng, rng.choice(("thing", "quality", "person")))
    elif action == "add":
        words.insert(position, pick(rng, "quality"))
    else:
        del words[position]
    return " ".join(words)


def translated(rng, text, language):
    """A made-up translation: as many words as the source, in the language's script, the same for the same word."""
    alphabet = ALPHABETS[language]
    words = []
    for word in text.split():
        local = random.Random(f"{language}:{word.lower()}")  # noqa: S311 - made-up text, not secrets
        words.append("".join(local.choice(alphabet) for _ in range(max(2, len(word) + local.randint(-1, 2)))))
    return " ".join(words) + ENDINGS.get(language, ".")


def memory_build(rng, count):
    """`count` segments: distinct sentences, each in several languages; returns the sentences."""
    content_type = ContentType.objects.get_for_model(Block)
    modules = list(Module.objects.filter(curriculum=CURRICULUM).values_list("pk", flat=True))
    partners = [None, None, None, *Partner.objects.values_list("pk", flat=True)]
    sentences, seen, batch = [], set(), []
    MemorySegment.objects.all().delete()
    while len(sentences) * LANGUAGES_PER_SENTENCE < count:
        text = sentence(rng)
        if text in seen:
            text = edited(rng, text)  # the grammar repeats itself: vary it
            if text in seen:
                continue
        seen.add(text)
        sentences.append(text)
        module, partner = rng.choice(modules), rng.choice(partners)
        for language in rng.sample(LANGUAGES, LANGUAGES_PER_SENTENCE):
            batch.append(
                MemorySegment(
                    source_language="en", language=language, source=text, source_hash=segment_hash("en", text),
                    target=translated(rng, text, language), content_type=content_type,
                    object_id=10_000_000 + len(sentences), field="body", position=0,
                    curriculum=CURRICULUM, module_id=module, partner_id=partner,
                )
            )  # fmt: skip
        if len(batch) >= 5000:
            MemorySegment.objects.bulk_create(batch)
            batch = []
    MemorySegment.objects.bulk_create(batch)
    return sentences


def blocks_to_translate(rng, sentences, count, per_block):
    """Blocks as a translator meets them: (text, [(kind, sentence, what memory should find)])."""
    # What the translator may see: the demo's private edition keeps its segments from everyone else.
    hidden = {partner for _curriculum, partner in memory_hidden_scopes(AnonymousUser())}
    in_language = set(
        MemorySegment.objects.filter(language=LOOKUP_LANGUAGE)
        .exclude(partner__in=hidden)
        .values_list("source", flat=True)
    )
    known = [text for text in sentences if text in in_language]
    blocks = []
    for _ in range(count):
        parts = []
        for _ in range(per_block):
            roll, original = rng.random(), rng.choice(known)
            if roll < 0.3:
                parts.append(("exact", original, original))
            elif roll < 0.7:
                parts.append(("edited", edited(rng, original), original))
            else:
                parts.append(("new", sentence(rng), None))
        blocks.append((" ".join(text for _kind, text, _original in parts), parts))
    return blocks


def lookup_unit(block, text):
    return Unit(
        key="block:bench/body", obj=block, field="body", object_label="", field_label="", language=LOOKUP_LANGUAGE,
        source_language="en", source=text, translation="", record=None, source_hash="", words=len(text.split()),
    )  # fmt: skip


def run():
    rng = random.Random(15)  # noqa: S311 - the same made-up memory on every run
    started = time.perf_counter()
    sentences = memory_build(rng, ARGS.segments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE translations_memorysegment")
    built = time.perf_counter() - started
    total = MemorySegment.objects.count()
    vendor = "PostgreSQL (pg_trgm)" if connection.vendor == "postgresql" else "SQLite (FTS5)"
    print(f"\n{vendor}: {total} segments ({len(sentences)} sentences × {LANGUAGES_PER_SENTENCE} of "
          f"{len(LANGUAGES)} languages, {total // len(LANGUAGES)} or so per language), built in {built:.1f} s")  # fmt: skip
    block = Block.objects.filter(module__curriculum=CURRICULUM).first()
    user = AnonymousUser()
    blocks = blocks_to_translate(rng, sentences, ARGS.blocks, ARGS.sentences)
    hidden = {partner for _curriculum, partner in memory_hidden_scopes(user)}
    memory_matches(units=[lookup_unit(block, blocks[0][0])], language=LOOKUP_LANGUAGE, user=user)  # warm up
    times, found = [], {"exact": [0, 0], "edited": [0, 0], "new": [0, 0]}
    for text, parts in blocks:
        unit = lookup_unit(block, text)
        begin = time.perf_counter()
        memory = memory_matches(units=[unit], language=LOOKUP_LANGUAGE, user=user)[unit.key]
        times.append((time.perf_counter() - begin) * 1000)
        for (kind, _text, original), segment in zip(parts, memory.segments, strict=True):
            best = segment.best
            found[kind][1] += 1
            if kind == "exact":
                found[kind][0] += best is not None and best.percent == 100
            elif kind == "edited":
                found[kind][0] += best is not None and best.source == original
            else:
                found[kind][0] += best is None or best.percent < 100
    median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    label = f"{ARGS.sentences} sentences a block, {len(times)} blocks"
    figure(f"median per block ({label})", median, "ms", verdict(median <= GOAL_MS, f"≤ {GOAL_MS} ms"))
    figure("p95 per block", p95, "ms", verdict(p95 <= GOAL_MS, f"≤ {GOAL_MS} ms"))
    figure("worst block", max(times), "ms")
    figure(
        "segments from a private edition, hidden", note=str(MemorySegment.objects.filter(partner__in=hidden).count())
    )
    for kind, note in (
        ("exact", "sentences in memory found at 100%"),
        ("edited", "edited sentences matched to their original"),
        ("new", "new sentences not offered as 100%"),
    ):
        hits, count = found[kind]
        figure(note, note=f"{hits}/{count} ({100 * hits / max(count, 1):.0f}%)")


def postgresql_server():
    """The PostgreSQL server to use (DATABASE_URL's, else the local one), if one answers; its URL without a database."""
    url = CALLER_DATABASE_URL if CALLER_DATABASE_URL.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/"
    try:
        import psycopg

        parts = urlsplit(url)
        server = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        with psycopg.connect(urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")), connect_timeout=3):
            return server
    except Exception:
        return None


def run_postgresql():
    import psycopg

    server = postgresql_server()
    if server is None:
        print("\nPostgreSQL: no server answers (set DATABASE_URL to one); not measured")
        return
    name = f"cc_bench_tm_{os.getpid()}"
    admin = urlunsplit(("postgresql", urlsplit(server).netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as database:
        database.execute(f'CREATE DATABASE "{name}"')
    try:
        command = [sys.executable, str(Path(__file__).resolve()), "--database-url", server + name]
        command += ["--segments", str(ARGS.segments), "--blocks", str(ARGS.blocks), "--sentences", str(ARGS.sentences)]
        subprocess.run(command, check=True)
    finally:
        with psycopg.connect(admin, autocommit=True) as database:
            database.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    run()
    if ARGS.database_url is None:
        if not ARGS.sqlite_only:
            run_postgresql()
        print(f"\n({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end of the run)")


if __name__ == "__main__":
    main()
