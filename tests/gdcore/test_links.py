"""Links: from_query never raises and never uses a value silently wrong; to_query round-trips.

Thousands of made-up query strings (the configs' real URL keys and some that are not, values from
any unicode text to 5,000 characters, "nan", "1e309", numbers in and out of range) for every config
class, and random valid configs drawn from each field's own metadata (range, choices).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcore.chain import ChainConfig
from gdcore.config import GuessConfig, SlopeConfig, from_query, to_query
from gdcore.line import DescentConfig
from gdcore.network import NetworkConfig

CLASSES = (DescentConfig, NetworkConfig, GuessConfig, SlopeConfig, ChainConfig)
LONGEST = 200  # characters: a longer link value is not read at all (the documented limit of a link value)
LONGEST_NOTE = 400  # characters: a note is a sentence on the page, not a copy of the link
COLUMNS = ("bedrooms", "bathrms", "lotsize", "price", "stories")


def kind_of(f) -> type:
    """bool, int, float or str: the metadata's kind where the default (None) does not say."""
    return f.metadata.get("kind") or type(f.default)


def meaning(raw: str, f):
    """What a link value means for field f when it is valid; raises ValueError when it is not.

    Written from the rules: a choice is itself, a switch is yes or no, a name is any non-empty text (a
    data set's name is "windsor" or "upload-" and 12 hex digits), a number is int(raw) or float(raw),
    finite, within [low, high].
    """
    meta, kind = f.metadata, kind_of(f)
    if meta["choices"]:
        if raw not in meta["choices"]:
            raise ValueError("not a choice")
        return raw
    if kind is bool:
        if raw not in ("yes", "no"):
            raise ValueError("not yes or no")
        return raw == "yes"
    if kind is str:
        if not raw:
            raise ValueError("empty")
        if f.name == "data" and not (raw == "windsor" or re.fullmatch(r"upload-[0-9a-f]{12}", raw)):
            raise ValueError("not a data set's name")
        return raw
    value = int(raw) if kind is int else float(raw)
    if not math.isfinite(value) or not meta["low"] <= value <= meta["high"]:
        raise ValueError("out of range")
    return value


def url_keys(cls) -> list[str]:
    return [f.metadata["url"] for f in fields(cls)]


ALL_KEYS = sorted({key for cls in CLASSES for key in url_keys(cls)})
CHOICES = sorted({choice for cls in CLASSES for f in fields(cls) for choice in f.metadata["choices"]})
SPECIAL = [
    "",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "0",
    "1e309",
    "-1e309",
    "1e-400",
    "9" * 400,
    "9" * 200,
    "1" * 199,
    "x" * 5000,
    "n" * 200,
    "n" * 201,
    "yes",
    "no",
    "Yes",
    "True",
    "1_000",
    " 5 ",
    "0x10",
    "٣",  # ARABIC-INDIC DIGIT THREE: int() reads it
    "１２",  # fullwidth digits
    "None",
    "é" * 150,
    "'\"" * 100,  # a name of 200 characters that repr() doubles in length
    "\x00" * 200,
    "\U000e0001" * 40,  # LANGUAGE TAG, not printable: repr() writes each as 10 characters
    "\x00",
    "\ud7ff\ufffd",
]
NUMBERS = st.one_of(  # mostly in some field's range, often out of it
    st.integers(-3, 600).map(str),
    st.floats(-2.0, 2.0).map(str),
    st.integers(-(10**15), 10**15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# Text from characters that make numbers, names and trouble, and from all of unicode. No "=": a note
# names a key as "key=", so a value holding "lr=" would look like a note about lr. The chosen values
# above hold no "=" either.
ALPHABET = "0123456789.-+eE_ xyni\t\x00'\"%&/é∞٣１€😀"
TEXT = st.one_of(st.text(ALPHABET, max_size=30), st.text(max_size=30)).map(lambda text: text.replace("=", ":"))
POOL = sorted({*SPECIAL, *CHOICES, *COLUMNS})
AWKWARD = ["\U000e0001" * 40, "\x00" * 25, "\x00" * 200, "'\"" * 100, "é" * 150, "n" * 201, "x" * 5000, *COLUMNS]
VALUES = st.one_of(TEXT, st.sampled_from(POOL), NUMBERS)


def queries(cls, values=VALUES):
    """Dicts of the class's own keys (most of the time), other classes' keys and keys of no class."""
    keys = st.one_of(st.sampled_from(url_keys(cls)), st.sampled_from([*ALL_KEYS, "", "LR", "lr ", "ü"]))
    return st.dictionaries(keys, values, max_size=8)


DEFAULTS = {cls: cls() for cls in CLASSES}
NAMED = re.compile(r"(?<!\w)(\w+)=")  # a note names a key as "key=" ("every=" does not name y)


def assert_link_read_honestly(cls, params: dict[str, str]) -> list[str]:
    """from_query returns a `cls`; each value of the link is used as the rules read it, or named in a
    note and ignored; nothing else changes. Returns the notes (their length is checked on its own below)."""
    config, notes = from_query(cls, params)  # must not raise
    assert type(config) is cls
    assert isinstance(notes, list) and all(isinstance(note, str) and note.strip() for note in notes)
    default = DEFAULTS[cls]
    # Values each fine alone but not with the rest (two inputs the same column): each one dropped is
    # named in a note of its own, and it keeps the default.
    clashed = {key for note in notes if "did not fit with the rest" in note for key in NAMED.findall(note)[:1]}
    named = {key for note in notes for key in NAMED.findall(note)}
    for f in fields(cls):
        key, value, was = f.metadata["url"], getattr(config, f.name), getattr(default, f.name)
        if key not in params:
            assert value == was, f"{f.name} changed though the link has no {key}"
            continue
        raw = params[key]
        if key in clashed:
            assert value == was and meaning(raw, f) != was  # valid alone, dropped for the clash
            with pytest.raises(ValueError):
                cls(**{**{g.name: getattr(config, g.name) for g in fields(cls)}, f.name: meaning(raw, f)})
        elif key in named:  # ignored: the default kept, and the value really is one the rules refuse
            assert value == was
            with pytest.raises(ValueError):
                if len(raw) <= LONGEST:
                    meaning(raw, f)
                else:
                    raise ValueError("too long for a link")
        else:  # used, and as the rules read it
            assert len(raw) <= LONGEST
            assert value == meaning(raw, f)
            assert type(value) is kind_of(f)
    return notes


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_from_query_reads_any_link_without_raising_and_notes_what_it_ignores(cls):
    @settings(max_examples=80, deadline=None, database=None, derandomize=True)
    @given(params=queries(cls))
    def check(params):
        assert_link_read_honestly(cls, params)

    check()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_from_query_with_every_key_of_the_class(cls):
    # Every field's key at once, so the checks above meet full links too, not only sparse ones.
    keys = url_keys(cls)

    @settings(max_examples=15, deadline=None, database=None, derandomize=True)
    @given(values=st.lists(VALUES, min_size=len(keys), max_size=len(keys)))
    def check(values):
        assert_link_read_honestly(cls, dict(zip(keys, values)))

    check()


def random_value(rng: random.Random) -> str:
    """One link value: a chosen awkward one, a number in or out of range, or random text."""
    pick = rng.randrange(6)
    if pick == 0:
        return rng.choice(POOL)
    if pick == 1:
        return str(rng.randint(-3, 600))
    if pick == 2:
        return repr(rng.uniform(-2.0, 2.0) * 10.0 ** rng.randint(-15, 15))
    if pick == 3:
        return str(rng.randint(-(10**30), 10**30))
    if pick == 4:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(12)))
    size = rng.randrange(12)
    code_points = (rng.choice([rng.randrange(0xD800), rng.randrange(0xE000, 0x110000)]) for _ in range(size))
    return "".join(map(chr, code_points)).replace("=", ":")  # any unicode but the surrogates


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_from_query_on_thousands_of_seeded_random_links(cls):
    # Hypothesis draws slowly here (about 1 ms a value), so for bulk a seeded random.Random builds
    # 800 more links per class in a fraction of a second; a failure names its link in the message.
    rng = random.Random(f"links-{cls.__name__}")
    keys, other = url_keys(cls), [*ALL_KEYS, "", "LR", "lr ", "ü"]
    for _ in range(800):
        size = rng.randrange(len(keys) + 1)
        params = {rng.choice(keys if rng.random() < 0.8 else other): random_value(rng) for _ in range(size)}
        try:
            assert_link_read_honestly(cls, params)
        except AssertionError as error:
            raise AssertionError(f"{cls.__name__} from the link {params!r}: {error}") from None


def test_known_awkward_values_are_ignored_with_a_note():
    # The values of the brief, each with the key they are most likely to break, checked by name.
    for key, raw in [
        ("lr", "nan"),
        ("lr", "inf"),
        ("lr", "1e309"),
        ("epochs", "9" * 400),
        ("seed", "-1"),
        ("x", "x" * 5000),
        ("lr", ""),
        ("epochs", "1e3"),
        ("shuffle", "true"),
        ("eps", "0"),
    ]:
        config, notes = from_query(DescentConfig, {key: raw})
        assert config == DescentConfig()
        assert len(notes) == 1 and f"{key}=" in notes[0]
        assert len(notes[0]) < LONGEST_NOTE
    config, notes = from_query(DescentConfig, {"seed": "-0", "lr": "1e-9", "epochs": "500", "batch": "546"})
    assert notes == []
    assert (config.seed, config.learning_rate, config.epochs, config.batch_size) == (0, 1e-9, 500, 546)


@settings(max_examples=120, deadline=None, database=None, derandomize=True)
@given(data=st.data())
def test_every_note_is_a_sentence_not_a_copy_of_the_link(data):
    # The awkward values more often than elsewhere: long ones, unprintable ones, column names that clash.
    cls = data.draw(st.sampled_from(CLASSES), label="cls")
    params = data.draw(queries(cls, st.one_of(st.sampled_from(AWKWARD), VALUES)), label="params")
    for note in assert_link_read_honestly(cls, params):
        assert len(note) < LONGEST_NOTE, f"{len(note)} characters: {note[:120]}..."


LONG_NOTES = [
    pytest.param(DescentConfig, {"lr": "\U000e0001" * 40}, id="one-bad-value-of-unprintable-characters"),
    pytest.param(DescentConfig, {"x": "\x00" * 25, "y": "\x00" * 25}, id="clashing-names-of-nul-characters"),
    pytest.param(NetworkConfig, {"x1": "\x01" * 30, "y": "\x01" * 30}, id="network-target-is-an-input"),
]


@pytest.mark.parametrize(("cls", "params"), LONG_NOTES)
def test_a_note_is_short_whatever_the_value(cls, params):
    # A note repeats a bad value cut to 40 characters, but cut before repr(), which writes an
    # unprintable character as up to 10 ("\x00", "\U000e0001"): the note can grow past a sentence.
    config, notes = from_query(cls, params)
    assert config.y == cls().y  # the value that clashed with the one before it is dropped
    assert len(notes) == 1
    assert len(notes[0]) < LONGEST_NOTE, f"{len(notes[0])} characters: {notes[0][:120]}..."


# --- to_query, then from_query: the same config -------------------------------------------------


def field_values(f):
    """Any valid value of field f, from its metadata."""
    meta, kind = f.metadata, kind_of(f)
    if meta["choices"]:
        return st.sampled_from(meta["choices"])
    if kind is bool:
        return st.booleans()
    if f.name == "data":  # the shipped data set, or an upload's name
        uploads = st.text("0123456789abcdef", min_size=12, max_size=12).map("upload-".__add__)
        return st.one_of(st.just("windsor"), uploads)
    if kind is str:
        # A link carries values of up to 200 characters; a longer column name cannot be linked at all.
        return st.one_of(st.sampled_from(COLUMNS), st.text(min_size=1, max_size=LONGEST))
    if kind is int:
        return st.integers(meta["low"], meta["high"])
    values = st.floats(meta["low"], meta["high"])
    return st.one_of(st.none(), values) if f.default is None else values


def build(cls, values: dict):
    try:
        return cls(**values)
    except ValueError:  # valid alone, not together (e.g. the same column twice)
        return None


def configs(cls):
    values = st.fixed_dictionaries({f.name: field_values(f) for f in fields(cls)})
    return values.map(lambda v: build(cls, v)).filter(lambda config: config is not None)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_to_query_round_trips_through_from_query(cls):
    @settings(max_examples=30, deadline=None, database=None, derandomize=True)
    @given(config=configs(cls))
    def check(config):
        query = to_query(config)
        assert all(isinstance(key, str) and isinstance(value, str) for key, value in query.items())
        assert set(query) <= set(url_keys(cls))
        for f in fields(cls):  # a key exactly for each value that differs from the default
            assert (f.metadata["url"] in query) == (getattr(config, f.name) != getattr(DEFAULTS[cls], f.name))
        assert from_query(cls, query) == (config, [])

    check()


def test_to_query_of_the_defaults_is_empty_for_every_class():
    for cls in CLASSES:
        assert to_query(cls()) == {}
        assert from_query(cls, {}) == (cls(), [])
