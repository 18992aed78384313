"""The sequence-to-sequence tasks: every target right, checked against Python's own formatting; typed input."""

import datetime
import re

import numpy as np
import pytest

from lab.translation import (
    DATE_FORMATS,
    END,
    LAST_DATE,
    PAD,
    START,
    check_typed,
    decoder_inputs,
    load_seq2seq,
    make_pairs,
    number_words,
    random_dates,
    task_lengths,
)

# Each format as strftime writes it (C locale), with the day's leading zero dropped where the lab drops it.
STRFTIME = {
    "03/03/21": "%d/%m/%y",
    "03.03.2021": "%d.%m.%Y",
    "3 Mar 2021": "%-d %b %Y",
    "Mar 3, 2021": "%b %-d, %Y",
    "3 March 2021": "%-d %B %Y",
    "March 3, 2021": "%B %-d, %Y",
    "Wed 3 Mar 2021": "%a %-d %b %Y",
    "Wednesday, March 3, 2021": "%A, %B %-d, %Y",
}


def test_every_date_format_is_pythons_own_and_its_name_is_3_march_2021():
    assert set(DATE_FORMATS) == set(STRFTIME)
    march_3 = datetime.date(2021, 3, 3)
    for name, write in DATE_FORMATS.items():
        assert write(march_3) == name
    edges = [datetime.date(1950, 1, 1), datetime.date(1999, 12, 31), datetime.date(2000, 2, 29), LAST_DATE]
    for d in edges + random_dates(500, np.random.default_rng(0)):
        for name, write in DATE_FORMATS.items():
            assert write(d) == d.strftime(STRFTIME[name])


def test_date_targets_are_the_iso_dates_their_inputs_name():
    pairs = make_pairs("dates", 3000, np.random.default_rng(1))
    assert {p.form for p in pairs} == set(DATE_FORMATS)  # every format is drawn
    for p in pairs:
        source, target = "".join(p.source), "".join(p.target)
        d = datetime.date.fromisoformat(target)
        assert d.strftime(STRFTIME[p.form]) == source
        assert datetime.date(1950, 1, 1) <= d <= LAST_DATE
        if p.form == "03/03/21":  # a two-digit year: 50-99 in the 1900s, 00-49 in the 2000s
            assert d.year == (1900 if int(source[-2:]) >= 50 else 2000) + int(source[-2:])


def read_words(text):
    """An independent reader of British number words, to check `number_words` against."""
    units = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    values = {w: i for i, w in enumerate((units + " seventeen eighteen nineteen").split())}
    values |= {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())}
    total = current = 0
    for word in re.split(r"[ -]", text):
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        else:
            current += values[word]
    return total + current


def test_number_words_read_back_for_every_number_and_read_like_english():
    assert [number_words(n) for n in (0, 13, 40, 58, 100, 305, 1000, 1005, 1234, 9999)] == [
        "zero",
        "thirteen",
        "forty",
        "fifty-eight",
        "one hundred",
        "three hundred and five",
        "one thousand",
        "one thousand and five",
        "one thousand two hundred and thirty-four",
        "nine thousand nine hundred and ninety-nine",
    ]
    assert all(read_words(number_words(n)) == n for n in range(10000))
    pairs = make_pairs("numbers", 2000, np.random.default_rng(2))
    assert all(read_words("".join(p.source)) == int("".join(p.target)) for p in pairs)
    digits = np.bincount([len(p.target) for p in pairs])[1:]
    assert digits.min() > 400  # 1 to 4 digits, each about a quarter
    with pytest.raises(ValueError, match="0 to 9999"):
        number_words(10000)


def test_toy_tasks_reverse_and_sort():
    for p in make_pairs("reverse", 50, np.random.default_rng(3), seq_len=6, vocab_size=5):
        assert p.target == p.source[::-1] and len(p.source) == 6
    for p in make_pairs("sort", 50, np.random.default_rng(3), seq_len=6, vocab_size=12):
        assert list(map(int, p.target)) == sorted(map(int, p.source))


@pytest.mark.parametrize("task", ["dates", "numbers", "reverse", "sort"])
def test_encoded_data_round_trips_and_teacher_forcing_shifts_right(task):
    data = load_seq2seq(task, 300, 100, seed=4)
    assert (data.source_len, data.target_len) == task_lengths(task)
    assert data.source_train.shape == (300, data.source_len) and data.target_val.shape == (100, data.target_len)
    for ids, pair in zip(data.target_val, data.pairs_val, strict=True):
        assert data.text(ids) == data.join(pair.target)
        assert list(ids).count(END) == 1 and ids[len(pair.target)] == END
        assert (ids[len(pair.target) + 1 :] == PAD).all()
    dec = decoder_inputs(data.target_val)
    assert (dec[:, 0] == START).all() and (dec[:, 1:] == data.target_val[:, :-1]).all()
    again = load_seq2seq(task, 300, 100, seed=4)
    assert (again.source_train == data.source_train).all()  # seeded
    assert len(set(map(tuple, data.source_val)) & set(map(tuple, load_seq2seq(task, 300, 100, 5).source_val))) < 50


def test_the_drawn_date_examples_are_the_longest_formats():
    data = load_seq2seq("dates", 200, 400, seed=0, n_examples=4)
    forms = [data.pairs_val[i].form for i in data.examples]
    assert len(set(forms)) == 4 and "Wednesday, March 3, 2021" in forms


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "Type something"),
        ("   ", "Type something"),
        ("x" * 41, "at most"),
        ("3 März 2021", "is new to it"),
        ("3 March 2021 😀", "is new to it"),
    ],
)
def test_unreadable_typed_dates_get_a_sentence(text, words):
    with pytest.raises(ValueError, match=words):
        check_typed("dates", text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("3 March 2021", ""),
        ("Wednesday, March 3, 2021", ""),
        ("31 February 2021", "impossible date"),
        ("hello there", "not a date"),
        ("3 March 2121", "outside the years"),
        ("2021-03-03", "not in a format the model was trained on"),
    ],
)
def test_typed_dates_are_read_with_a_note_on_what_is_odd(text, words):
    tokens, note = check_typed("dates", text)
    assert "".join(tokens) == text
    assert (words in note) if words else note == ""


def test_typed_numbers_and_digit_sequences():
    assert check_typed("numbers", "three hundred and five")[1] == ""
    assert "not how the training data writes" in check_typed("numbers", "three hundred five")[1]
    assert check_typed("reverse", "3, 1 4 1 5 9 2 6") == (("3", "1", "4", "1", "5", "9", "2", "6"), "")
    with pytest.raises(ValueError, match="exactly 8 whole numbers"):
        check_typed("sort", "1 2 3")
    with pytest.raises(ValueError, match="from 0 to 9"):
        check_typed("sort", "")
