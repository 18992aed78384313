"""Starts the app's Streamlit server, optionally changed by an experiment.

Benchmarks only: `bench.click_to_first_point --server VARIANT` uses it to price
a change without editing the app. Variants:

- `stock`: the app as it is (`python -m lab.ui.serve`, which `bench.click_to_first_point` starts
  directly; `--server plain-streamlit` there starts a plain `streamlit run` instead).
- `streamlit-cleanup`: undoes the app's `lab.ui.page.keep_keras_session()` and
  turns `runner.postScriptGC` back on, so Streamlit again runs
  `keras.backend.clear_session()` (kernel-cache reset, thread-local Keras state
  reset, `gc.collect()`) and a full `gc.collect(2)` after every script run,
  fragment reruns included. This is what the app did before that fix.

Usage:

```
python -m bench.streamlit_server VARIANT run streamlit_app.py [streamlit options]
```
"""

import os
import sys

VARIANTS = ("stock", "streamlit-cleanup")


def apply(variant):
    """Applies `variant` (one of `VARIANTS`) to this process."""
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    if variant == "streamlit-cleanup":
        import lab.ui.page

        if not hasattr(lab.ui.page, "keep_keras_session"):
            raise SystemExit("lab.ui.page.keep_keras_session is gone: update this variant")
        lab.ui.page.keep_keras_session = lambda: None
        os.environ["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "true"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        raise SystemExit(__doc__)
    apply(argv[0])
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(args=argv[1:], prog_name="streamlit")


if __name__ == "__main__":
    main()
