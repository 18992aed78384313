"""Exports an attention-lab run as a standalone Keras script.

The script rebuilds the sequences (the same generators, copied from
`lab.labs.attention.data`; for text the Gettysburg Address is written into the script),
the transformer (the lab's `PositionalEncoding` layer copied from
`models.attention`) and the `fit` call, seeded where the engine seeds.
"""

import inspect

from lab.codegen import assignments, keras_script, notes, optimizer_code, source_of, top_level
from lab.labs.attention import data as data_text
from lab.labs.attention.config import TOY_TASKS
from models import attention_plan

TOY_DATA = """\
TOY_TASKS = {toy_tasks!r}


{task_targets}

{toy_sequences}

# The validation sequences are drawn after the training ones, from the same generator.
rng = np.random.default_rng(SEED)
x_train, y_train = toy_sequences(TASK, N_SAMPLES, SEQ_LEN, VOCAB_SIZE, SHIFT, rng)
x_val, y_val = toy_sequences(TASK, N_VAL, SEQ_LEN, VOCAB_SIZE, SHIFT, rng)
"""
TEXT_DATA = """\
# Abraham Lincoln's Gettysburg Address (1863, public domain), line breaks as spaces.
TEXT = {text!r}


{char_windows}

# Characters become ids; the first 90% of the text trains, the last 10% validates.
tokens = sorted(set(TEXT))
ids = np.array([tokens.index(c) for c in TEXT], dtype="int32")
split = int(len(ids) * (1 - VAL_SHARE))
x_train, y_train = char_windows(ids[:split], SEQ_LEN)
x_val, y_val = char_windows(ids[split:], SEQ_LEN)
VOCAB_SIZE = len(tokens)
"""
MODEL = """\
{sinusoidal_table}

{positional_encoding}

inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
h = keras.layers.Embedding(VOCAB_SIZE, D_MODEL, name="embedding")(inputs)
h = PositionalEncoding(POSITIONAL, SEQ_LEN, name="positions")(h)
h = keras.layers.Dropout(DROPOUT, name="embedding_dropout")(h)
for i in range(1, NUM_LAYERS + 1):
    # Self-attention, then a residual connection and layer normalisation.
    attention = keras.layers.MultiHeadAttention(NUM_HEADS, KEY_DIM, dropout=DROPOUT, name=f"attention_{{i}}")
    a = attention(h, h, use_causal_mask=CAUSAL)
    h = keras.layers.LayerNormalization(epsilon=1e-6, name=f"norm_attention_{{i}}")(
        h + keras.layers.Dropout(DROPOUT, name=f"dropout_attention_{{i}}")(a)
    )
    # A feed-forward network applied to each position, again with a residual connection.
    f = keras.layers.Dense(FF_DIM, activation="relu", name=f"ff_{{i}}_hidden")(h)
    f = keras.layers.Dense(D_MODEL, name=f"ff_{{i}}_out")(f)
    h = keras.layers.LayerNormalization(epsilon=1e-6, name=f"norm_ff_{{i}}")(
        h + keras.layers.Dropout(DROPOUT, name=f"dropout_ff_{{i}}")(f)
    )
# Logits over the vocabulary at every position.
outputs = keras.layers.Dense(VOCAB_SIZE, name="logits")(h)
model = keras.Model(inputs, outputs, name="transformer")
model.compile(
    optimizer={optimizer},
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="token_accuracy")],
)"""


SEQ2SEQ_DATA_NAMES = (
    "PAD",
    "SPECIALS",
    "CHARS",
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_NUMBER",
    "MONTHS",
    "WEEKDAYS",
    "_full",
    "DATE_FORMATS",
    "ONES",
    "TENS",
    "number_words",
    "random_dates",
    "random_numbers",
    "Pair",
    "make_pairs",
    "task_tokens",
    "task_lengths",
    "encode",
    "decoder_inputs",
)
SEQ2SEQ_DATA = """\
{definitions}
# The validation items are drawn after the training ones, from the same generator.
rng = np.random.default_rng(SEED)
train = make_pairs(TASK, N_TRAIN, rng, SEQ_LEN, VOCAB_SIZE)
val = make_pairs(TASK, N_VAL, rng, SEQ_LEN, VOCAB_SIZE)
tokens = task_tokens(TASK, VOCAB_SIZE)
SOURCE_LEN, TARGET_LEN = task_lengths(TASK, SEQ_LEN)
source_train = encode([p.source for p in train], tokens, SOURCE_LEN)
target_train = encode([p.target for p in train], tokens, TARGET_LEN, end=True)
source_val = encode([p.source for p in val], tokens, SOURCE_LEN)
target_val = encode([p.target for p in val], tokens, TARGET_LEN, end=True)
VOCAB = len(tokens)
"""
SEQ2SEQ_MODEL = """\
{definitions}
source = keras.Input(shape=(SOURCE_LEN,), dtype="int32", name="source")
target_in = keras.Input(shape=(TARGET_LEN,), dtype="int32", name="target_in")
mask = KeyPaddingMask(name="source_padding")(source)  # padding is never attended to


def embed(ids, length, part):
    h = keras.layers.Embedding(VOCAB, D_MODEL, name=f"{{part}}_embedding")(ids)
    h = PositionalEncoding(POSITIONAL, length, name=f"{{part}}_positions")(h)
    return keras.layers.Dropout(DROPOUT, name=f"{{part}}_embedding_dropout")(h)


sizes = (NUM_HEADS, KEY_DIM, FF_DIM, DROPOUT)
# The encoder: self-attention over the whole input.
h = embed(source, SOURCE_LEN, "source")
for i in range(1, NUM_LAYERS + 1):
    h, _ = transformer_block(h, f"encoder_{{i}}", *sizes, mask=mask)
memory = h
# The decoder: causal self-attention over the answer so far, cross-attention over the encoder's output.
h = embed(target_in, TARGET_LEN, "target")
for i in range(1, NUM_LAYERS + 1):
    h, _ = transformer_block(h, f"decoder_{{i}}", *sizes, context=memory, mask=mask, causal=True)
outputs = keras.layers.Dense(VOCAB, name="logits")(h)
model = keras.Model([source, target_in], outputs, name="encoder_decoder")
model.compile(
    optimizer={optimizer},
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
    metrics=[keras.metrics.MeanMetricWrapper(masked_token_accuracy, name="token_accuracy")],
)"""


def seq2seq_script(config):
    """The standalone script of an encoder–decoder run (see `script`)."""
    names = {
        "SEED": config.seed,
        "TASK": config.task,
        "SEQ_LEN": config.seq_len,
        "VOCAB_SIZE": config.vocab_size,
        "N_TRAIN": config.samples,
        "N_VAL": data_text.N_VAL,
        "POSITIONAL": config.positional,
        "NUM_LAYERS": config.num_layers,
        "NUM_HEADS": config.num_heads,
        "D_MODEL": config.d_model,
        "KEY_DIM": config.key_dim,
        "FF_DIM": config.ff_dim,
        "DROPOUT": config.dropout,
        "LEARNING_RATE": config.learning_rate,
        "BATCH_SIZE": config.batch_size,
        "EPOCHS": config.epochs,
    }
    helpers = ["sinusoidal_table", "PositionalEncoding", "KeyPaddingMask", "transformer_block"]
    sources = [source_of("models.attention", name) for name in helpers]
    sources[1] = sources[1].replace("POSITIONAL", "POSITIONAL_KINDS")
    sources.insert(3, source_of("models.sequence_metrics", "masked_token_accuracy"))
    model = SEQ2SEQ_MODEL.format(
        definitions="\n\n".join(sources),
        optimizer=optimizer_code(config.optimizer),
    )
    return keras_script(
        title=f"An encoder-decoder transformer on the {config.task} task",
        lab="attention",
        imports="import dataclasses\nimport datetime\nimport string\n\nfrom keras import ops\n",
        settings=assignments(names) + f"\nPOSITIONAL_KINDS = {attention_plan.POSITIONAL!r}",
        data=SEQ2SEQ_DATA.format(definitions="\n".join(top_level("lab.translation", SEQ2SEQ_DATA_NAMES))),
        seeded="the initial weights, the dropout masks and the shuffling",
        model=model,
        fit_data="[source_train, decoder_inputs(target_train)], target_train,\n"
        "    validation_data=([source_val, decoder_inputs(target_val)], target_val)",
    )


def script(config):
    """Returns a standalone Python script that reproduces an attention-lab run.

    Its last line of output is `final_loss=<float> final_val_loss=<float>`.

    Args:
        config: an `AttentionConfig`.

    Returns:
        The script's source code.
    """
    if config.architecture == "encoder_decoder":
        return seq2seq_script(config)
    names = {"SEED": config.seed, "TASK": config.task, "SEQ_LEN": config.seq_len}
    if config.task in TOY_TASKS:
        names.update(
            VOCAB_SIZE=config.vocab_size, SHIFT=config.shift, N_SAMPLES=config.n_samples, N_VAL=data_text.N_VAL
        )
        data = TOY_DATA.format(
            toy_tasks=TOY_TASKS,
            task_targets=inspect.getsource(data_text.task_targets),
            toy_sequences=inspect.getsource(data_text.toy_sequences),
        )
    else:
        names["VAL_SHARE"] = data_text.TEXT_VAL_SHARE
        data = TEXT_DATA.format(text=data_text.load_text(), char_windows=inspect.getsource(data_text.char_windows))
    names.update(
        POSITIONAL=config.positional,
        NUM_LAYERS=config.num_layers,
        NUM_HEADS=config.num_heads,
        D_MODEL=config.d_model,
        KEY_DIM=config.key_dim,
        FF_DIM=config.ff_dim,
        DROPOUT=config.dropout,
        CAUSAL=config.causal,
        LEARNING_RATE=config.learning_rate,
        BATCH_SIZE=config.batch_size,
        EPOCHS=config.epochs,
    )
    model = MODEL.format(
        sinusoidal_table=source_of("models.attention", "sinusoidal_table"),
        positional_encoding=source_of("models.attention", "PositionalEncoding").replace(
            "POSITIONAL", "POSITIONAL_KINDS"
        ),
        optimizer=optimizer_code(config.optimizer),
    )
    return keras_script(
        title=f"A small transformer on {'the Gettysburg Address' if config.task == 'text' else f'the {config.task} task'}",
        lab="attention",
        imports="from keras import ops\n",
        settings=notes(attention_plan.attention_warnings(config))
        + assignments(names)
        + f"\nPOSITIONAL_KINDS = {attention_plan.POSITIONAL!r}",
        data=data,
        seeded="the initial weights, the dropout masks and the shuffling",
        model=model,
        fit_data="x_train, y_train, validation_data=(x_val, y_val)",
    )
