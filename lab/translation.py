"""Sequence-to-sequence tasks whose output differs from the input in length and order.

Shared by the attention lab's encoder–decoder and the RNN lab's encoder–decoder:

- `dates`: a date written in one of `DATE_FORMATS` ("3 March 2021", "Mar 3, 2021",
  "03/03/21", "Wednesday, March 3, 2021" ...) → its ISO form "2021-03-03". Dates are
  drawn uniformly from 1950-01-01 to 2049-12-31, so a two-digit year yy means 19yy
  when yy ≥ 50 and 20yy otherwise; numeric formats put the day first (DD/MM/YY).
- `numbers`: an integer 0–9999 in British English words ("three hundred and five")
  → its digits ("305").
- `reverse` and `sort`: a sequence of digit tokens → the same tokens reversed or
  sorted.

Every item is a pair of token lists. Characters are the tokens of `dates` and
`numbers`; the toy tasks use one token per digit value. Ids 0, 1 and 2 are padding,
the start token (the decoder's first input) and the end token (the decoder's last
output).
"""

import dataclasses
import datetime
import string

import numpy as np

SEQ2SEQ_TASKS = ("dates", "numbers", "reverse", "sort")
PAD, START, END = 0, 1, 2
SPECIALS = ("·", "<s>", "</s>")  # how padding, start and end are written on an axis
CHARS = tuple(" ,-./" + string.digits + string.ascii_letters)
FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)
MAX_NUMBER = 9999
MAX_TYPED = 40  # the longest typed input a view accepts
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _full(d):
    return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year}"


DATE_FORMATS = {
    "03/03/21": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
    "03.03.2021": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "3 Mar 2021": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "Mar 3, 2021": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "3 March 2021": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "March 3, 2021": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "Wed 3 Mar 2021": lambda d: f"{WEEKDAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "Wednesday, March 3, 2021": _full,
}
"""Each format's name (how 3 March 2021 looks in it) and the function that writes a date in it."""

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n):
    """An integer 0–9999 in British English words: 305 → "three hundred and five".

    Raises:
        ValueError: `n` outside 0–9999.
    """
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"Numbers run from 0 to {MAX_NUMBER}; got {n}.")
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return f"{ONES[n // 100]} hundred" + (f" and {number_words(rest)}" if rest else "")
    rest = n % 1000
    head = f"{ONES[n // 1000]} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_words(rest)


def random_dates(n, rng):
    """`n` dates drawn uniformly from `FIRST_DATE` to `LAST_DATE`."""
    offsets = rng.integers(0, (LAST_DATE - FIRST_DATE).days + 1, size=n)
    return [FIRST_DATE + datetime.timedelta(days=int(o)) for o in offsets]


def random_numbers(n, rng):
    """`n` integers 0–9999 whose digit count (1 to 4) is drawn uniformly, so small numbers are not rare."""
    digits = rng.integers(1, 5, size=n)
    low = np.where(digits == 1, 0, 10 ** (digits - 1))
    return [int(v) for v in rng.integers(low, 10**digits)]


@dataclasses.dataclass(frozen=True)
class Pair:
    """One item: its input and target tokens, and the date format (dates) it is written in."""

    source: tuple
    target: tuple
    form: str = ""


def make_pairs(task, n, rng, seq_len=8, vocab_size=10):
    """`n` random items of a task.

    Args:
        task: one of `SEQ2SEQ_TASKS`.
        n: how many.
        rng: a numpy `Generator`.
        seq_len, vocab_size: the toy tasks' length and number of digit values.

    Returns:
        list of `Pair`.
    """
    if task == "dates":
        forms = list(DATE_FORMATS)
        picks = rng.integers(0, len(forms), size=n)
        return [
            Pair(tuple(DATE_FORMATS[forms[p]](d)), tuple(d.isoformat()), forms[p])
            for d, p in zip(random_dates(n, rng), picks, strict=True)
        ]
    if task == "numbers":
        return [Pair(tuple(number_words(v)), tuple(str(v))) for v in random_numbers(n, rng)]
    if task in ("reverse", "sort"):
        x = rng.integers(0, vocab_size, size=(n, seq_len))
        y = x[:, ::-1] if task == "reverse" else np.sort(x, axis=1)
        return [Pair(tuple(map(str, a)), tuple(map(str, b))) for a, b in zip(x, y, strict=True)]
    raise ValueError(f"task must be one of {', '.join(SEQ2SEQ_TASKS)}; got {task!r}.")


def task_tokens(task, vocab_size=10):
    """Every token of a task, ids in order: the three specials first."""
    if task in ("dates", "numbers"):
        return SPECIALS + CHARS
    return SPECIALS + tuple(str(i) for i in range(vocab_size))


def task_lengths(task, seq_len=8):
    """`(source_len, target_len)`: the longest input and the longest target plus its end token."""
    if task == "dates":
        return max(len(f(datetime.date(2000, 9, 27))) for f in DATE_FORMATS.values()), 11
    if task == "numbers":
        return max(len(number_words(v)) for v in range(MAX_NUMBER + 1)), 5
    return seq_len, seq_len + 1


def joiner(task):
    """How a task's tokens are written together: characters touch, digit tokens are spaced."""
    return "" if task in ("dates", "numbers") else " "


@dataclasses.dataclass
class Seq2SeqData:
    """Encoded items of a sequence-to-sequence task.

    Attributes:
        task: the task's name.
        tokens: the text of each id.
        source_train, target_train: `(n, source_len)` input ids and `(n, target_len)`
            target ids ending with `END`, padded with `PAD`.
        source_val, target_val: the same for validation.
        pairs_val: the validation items as `Pair`s (their text and format).
        examples: indices into the validation set of the items drawn live.
    """

    task: str
    tokens: tuple
    source_train: np.ndarray
    target_train: np.ndarray
    source_val: np.ndarray
    target_val: np.ndarray
    pairs_val: list
    examples: np.ndarray

    @property
    def vocab_size(self):
        return len(self.tokens)

    @property
    def source_len(self):
        return self.source_train.shape[1]

    @property
    def target_len(self):
        return self.target_train.shape[1]

    def answer_tokens(self, ids):
        """The tokens of an answer's ids up to and including its end token (how the decoder's rows are labelled)."""
        out = []
        for i in ids:
            out.append(self.tokens[i])
            if i == END or i == PAD:
                break
        return out

    def text(self, ids):
        """The text of an answer's ids, stopping at the end token."""
        return self.join(t for t in self.answer_tokens(ids) if t not in SPECIALS)

    def join(self, tokens):
        """How the task writes a run of tokens: characters touch, digit tokens are spaced."""
        return joiner(self.task).join(tokens)


def encode(rows, tokens, length, end=False):
    """`(n, length)` int32 ids of token rows, padded with `PAD` (`end`: each row closed by `END`)."""
    index = {t: i for i, t in enumerate(tokens)}
    out = np.full((len(rows), length), PAD, dtype="int32")
    for r, row in enumerate(rows):
        ids = [index[t] for t in row] + ([END] if end else [])
        out[r, : len(ids)] = ids
    return out


def decoder_inputs(target):
    """Teacher forcing: the decoder reads the start token, then the target shifted one place right."""
    return np.concatenate([np.full((len(target), 1), START, dtype="int32"), target[:, :-1]], axis=1)


def load_seq2seq(task, n_train, n_val, seed, seq_len=8, vocab_size=10, n_examples=4):
    """Training and validation items of a task, encoded (validation drawn after training).

    Returns:
        A `Seq2SeqData`; the drawn examples are the first of each date format, else the first `n_examples`.
    """
    rng = np.random.default_rng(seed)
    train, val = make_pairs(task, n_train, rng, seq_len, vocab_size), make_pairs(task, n_val, rng, seq_len, vocab_size)
    tokens = task_tokens(task, vocab_size)
    source_len, target_len = task_lengths(task, seq_len)

    def arrays(pairs):
        return encode([p.source for p in pairs], tokens, source_len), encode(
            [p.target for p in pairs], tokens, target_len, end=True
        )

    if task == "dates":
        firsts = {}
        for i, p in enumerate(val):
            firsts.setdefault(p.form, i)
        examples = np.array(sorted(firsts.values(), key=lambda i: len(val[i].source))[-n_examples:])
    else:
        examples = np.arange(min(n_examples, n_val))
    return Seq2SeqData(task, tokens, *arrays(train), *arrays(val), val, examples)


def check_typed(task, text, seq_len=8, vocab_size=10):
    """A typed input, checked, as tokens.

    Returns:
        `(tokens, note)`: the input's tokens and a sentence about it ("" when it is
        a valid item the task could produce), such as why "31 February 2021" is not
        a date.

    Raises:
        ValueError: an input the model cannot read, with a sentence that says what to type.
    """
    text = " ".join(text.split())
    if task in ("reverse", "sort"):
        items = text.replace(",", " ").split()
        if not items:
            raise ValueError(f"Type {seq_len} whole numbers from 0 to {vocab_size - 1}, separated by spaces.")
        if len(items) != seq_len or any(not i.isdigit() or int(i) >= vocab_size for i in items):
            raise ValueError(
                f"The model reads exactly {seq_len} whole numbers from 0 to {vocab_size - 1}; "
                f"you typed {len(items)} items: {text!r}."
            )
        return tuple(str(int(i)) for i in items), ""
    example = "3 March 2021" if task == "dates" else "three hundred and five"
    if not text:
        raise ValueError(f"Type something for the model to read, like {example!r}.")
    source_len, _ = task_lengths(task)
    if len(text) > min(source_len, MAX_TYPED):
        raise ValueError(
            f"That is {len(text)} characters; the model reads at most {min(source_len, MAX_TYPED)}, "
            f"the longest input it was trained on. Try {example!r}."
        )
    unknown = sorted(set(text) - set(CHARS))
    if unknown:
        raise ValueError(
            f"The model only knows letters, digits, spaces and , - . /; {', '.join(map(repr, unknown))} "
            f"is new to it. Try {example!r}."
        )
    return tuple(text), (date_note(text) if task == "dates" else number_note(text))


def date_note(text):
    """ "" if `text` is a date in one of the trained formats and range, else a sentence on what is wrong with it."""
    from dateutil import parser as date_parser

    formats = ", ".join(f"“{name}”" for name in DATE_FORMATS)
    try:
        d = date_parser.parse(text, dayfirst=True, default=datetime.datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError) as error:
        words = "not a date" if "out of range" not in str(error) else f"an impossible date ({error})"
        return f"{text!r} is {words}: the model was trained on formats like {formats}, so its answer is a guess."
    if not FIRST_DATE <= d <= LAST_DATE:
        return (
            f"{d.isoformat()} lies outside the years the model saw ({FIRST_DATE.year}–{LAST_DATE.year}), "
            "so treat its answer as a guess."
        )
    if not any(f(d) == text for f in DATE_FORMATS.values()):
        return (
            f"This reads as {d.isoformat()}, but not in a format the model was trained on ({formats}): "
            "its answer is a guess."
        )
    return ""


def number_note(text):
    """ "" if `text` is how `number_words` writes some 0–9999, else a sentence that says so."""
    if text in _NUMBER_TEXTS:
        return ""
    return (
        f"{text!r} is not how the training data writes a number from 0 to {MAX_NUMBER} "
        "(British English words such as 'one thousand two hundred and thirty-four'), so the answer is a guess."
    )


_NUMBER_TEXTS = frozenset(number_words(v) for v in range(MAX_NUMBER + 1))
