"""Starts the app's Streamlit server, optionally with an experimental fix applied.

Benchmarks only: this is how `bench.click_to_first_point --server VARIANT`
prices a fix without editing the app. Variants:

- `stock`: plain `streamlit run` (what users get).
- `gc-freeze`: imports TensorFlow, Keras, the engine and the UI first, then
  calls `gc.freeze()`, so the two full garbage collections Streamlit runs after
  every script run (`runner.postScriptGC` and the `gc.collect()` inside
  `keras.backend.clear_session()`, see below) skip the ~0.5 M long-lived objects.
- `no-clear`: turns off Streamlit's per-run `keras.backend.clear_session()`
  (a private hook, `script_runner._clean_problem_modules`) and
  `runner.postScriptGC`.

After every script run, fragment reruns included, Streamlit calls
`keras.backend.clear_session()` when Keras is imported: that resets Keras'
thread-local global state for every thread, clears TensorFlow's eager kernel
cache and runs `gc.collect()`.

Usage:

```
python -m bench.streamlit_server VARIANT run streamlit_app.py [streamlit options]
```
"""

import gc
import os
import sys

VARIANTS = ("stock", "gc-freeze", "no-clear")


def apply(variant):
    """Applies `variant` (one of `VARIANTS`) to this process."""
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    if variant == "gc-freeze":
        import lab.training  # noqa: F401  (TensorFlow and Keras)
        import lab.ui.live  # noqa: F401  (Streamlit, Altair, pandas)
        import lab.ui.mlp_views  # noqa: F401

        gc.collect()
        gc.freeze()
    elif variant == "no-clear":
        os.environ["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "false"
        from streamlit.runtime.scriptrunner import script_runner

        script_runner._clean_problem_modules = lambda: None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        raise SystemExit(__doc__)
    apply(argv[0])
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(args=argv[1:], prog_name="streamlit")


if __name__ == "__main__":
    main()
