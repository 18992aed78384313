"""Starts the app's Streamlit server warm: what the pages import, and the training workers, load before any visitor.

    python -m lab.ui.serve run streamlit_app.py [streamlit options]   # the same arguments as `streamlit run`

A plain `streamlit run streamlit_app.py` works too, but loads everything on the
first visit: the first student of a class waits for pandas, Altair and
scikit-learn (about 2 s on 2 cores), and their first Train click for the workers'
TensorFlow (about 8 s). Here a background thread does both while the server
starts: the libraries at once, the app's own page modules and the worker pool
(`lab.backends.app_backend`) as soon as Streamlit's runtime exists. The workers
warm up at a lower priority (`lab.workers`), so a page that is requested
meanwhile renders first. `make run` and the Docker image start the app this way.
"""

import importlib
import sys
import threading
import time

LIBRARIES = ("pandas", "altair", "sklearn.datasets", "sklearn.model_selection", "sklearn.preprocessing", "sqlalchemy")
RUNTIME_WAIT_S = 60.0


def _runtime_started():
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def warm():
    """Imports the pages' libraries, then (with Streamlit's runtime up) every lab's page modules and the workers."""
    try:
        for name in LIBRARIES:
            importlib.import_module(name)
        if not _runtime_started():  # the app's Streamlit modules bind their caches to the runtime
            return
        from lab.backends import app_backend
        from lab.registry import labs

        importlib.import_module("lab.ui.live")
        for lab in labs().values():
            lab.module("views")
        app_backend()
    except Exception as err:  # warming is a head start, never a reason for the server not to start
        print(f"lab: warming up the server failed ({type(err).__name__}: {err}); pages load on first use", flush=True)


def main(argv=None):
    """Runs Streamlit's command line with `argv` (default: this process' arguments) after starting `warm`."""
    from streamlit.web import cli

    threading.Thread(target=warm, name="lab-warm-up", daemon=True).start()
    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="streamlit")


if __name__ == "__main__":
    main()
