"""Exports an attention-lab run as a standalone Keras script.

The script rebuilds the sequences (the same generators, copied from
`lab.labs.attention.data`; for text the Gettysburg Address is written into the script),
the transformer (the lab's `PositionalEncoding` layer copied from
`models.attention`) and the `fit` call, seeded where the engine seeds.
"""

import inspect

from lab.codegen import assignments, keras_script, notes, optimizer_code, source_of
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


def script(config):
    """Returns a standalone Python script that reproduces an attention-lab run.

    Its last line of output is `final_loss=<float> final_val_loss=<float>`.

    Args:
        config: an `AttentionConfig`.

    Returns:
        The script's source code.
    """
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
