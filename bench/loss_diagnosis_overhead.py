"""What `lab.callbacks.LossDiagnosis` costs a plain Keras `fit`.

The same small model (digits, 64 ReLU units, batch size 32, 30 epochs: about 1,400
batches) is fitted with and without the callback, alternately, after one warm-up of
each; each fit starts from the same seeded weights. The ratio is the median of the
per-pair ratios of the `fit` call's wall time.

    python -m bench.loss_diagnosis_overhead [--repeats 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def fit_seconds(with_callback, x, y):
    import keras

    from lab.callbacks import LossDiagnosis

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    callbacks = [LossDiagnosis(print_fn=None)] if with_callback else []
    start = time.perf_counter()
    model.fit(x, y, validation_split=0.2, epochs=30, batch_size=32, verbose=0, callbacks=callbacks)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, y = (digits.data / 16).astype("float32"), digits.target
    fit_seconds(True, x, y), fit_seconds(False, x, y)  # warm-up
    pairs = [(fit_seconds(True, x, y), fit_seconds(False, x, y)) for _ in range(args.repeats)]
    ratios = [a / b for a, b in pairs]
    print(f"with LossDiagnosis: median {statistics.median(a for a, _ in pairs):.2f} s")
    print(f"plain fit:          median {statistics.median(b for _, b in pairs):.2f} s")
    print(f"ratio (median of pairs): {statistics.median(ratios):.3f}  (pairs: {', '.join(f'{r:.3f}' for r in ratios)})")


if __name__ == "__main__":
    main()
