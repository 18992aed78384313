"""Does a VAE with a 2-D latent draw all ten digits, and does a large β collapse it?

    python -m bench.vae_digits [--preset vae_2d] [--betas 1,20] [--set key=value ...]

For each β, runs `python -m lab run autoencoder --preset vae_2d --set beta=B --json ...`
in a fresh process and reads its `samples`: 500 images decoded from z ~ N(0, I).
A digit classifier (logistic regression) trained on the same real training
images reads each sample; a digit *appears* when at least `MIN_SHARE` of the
samples are read as it with probability at least `CONFIDENT`. Prints the KL, the
validation MSE, the classifier's accuracy on real validation images, and how
many samples were read as each digit.
"""

import argparse
import tempfile

import numpy as np

from bench.default_speed import run_once

CONFIDENT = 0.5  # the classifier's probability for a sample to count as its digit
MIN_SHARE = 0.01  # a digit appears when at least 1% of the samples (5 of 500) are confidently read as it


def classifier(config):
    """A logistic regression trained on the run's real training images, and its accuracy on the validation images."""
    from sklearn.linear_model import LogisticRegression

    from lab.labs.autoencoder.config import AutoencoderConfig
    from lab.labs.autoencoder.data import load

    chosen = {key: str(config[key]) for key in ("dataset", "seed") if key in config}
    data = load(AutoencoderConfig.from_strings(chosen))  # the same images and split
    model = LogisticRegression(max_iter=300).fit(data.x_train, data.y_train)
    return model, float(model.score(data.x_val, data.y_val))


def read_digits(model, samples):
    """`(counts, appear)`: confident readings per digit (10 ints) and how many digits appear."""
    probabilities = model.predict_proba(np.asarray(samples, dtype="float64"))
    digit, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
    counts = np.bincount(digit[confidence >= CONFIDENT], minlength=10)
    return counts, int(np.sum(counts >= MIN_SHARE * len(samples)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="vae_2d", help="the autoencoder lab's preset")
    parser.add_argument("--betas", default="1,20", help="comma-separated values of β")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="key=value for every run")
    args = parser.parse_args(argv)
    betas = [float(b) for b in args.betas.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        sets = [item for pair in args.sets for item in ("--set", pair)]
        results = {
            beta: run_once("autoencoder", ["--preset", args.preset, *sets, "--set", f"beta={beta:g}"], folder)
            for beta in betas
        }
    model, accuracy = classifier(results[betas[0]]["config"])
    config = results[betas[0]]["config"]
    print(
        f"autoencoder --preset {args.preset} ({config.get('dataset', 'mnist5k')}); classifier accuracy on real "
        f"validation images {accuracy:.1%}; a digit appears with >= {MIN_SHARE:.0%} of the 500 samples read as it "
        f"at p >= {CONFIDENT:g}"
    )
    print(f"{'β':>5} {'KL nats':>9} {'val MSE':>9} {'train s':>8} {'digits':>7}  samples read as 0..9")
    for beta, result in results.items():
        metrics = result["metrics"]
        counts, appear = read_digits(model, metrics["samples"])
        print(
            f"{beta:5g} {metrics['kl']:9.4f} {metrics['val_mse']:9.4f} {result['wall_seconds']:8.1f} "
            f"{appear:>4}/10  {' '.join(f'{c:3d}' for c in counts)}"
        )


if __name__ == "__main__":
    main()
