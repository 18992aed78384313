"""AppTests run the pages in this process: their jobs train in its threads (`LAB_BACKEND=thread`).

That keeps them fast and lets a test look at the engine's model; the worker
processes and Ray are tested in `tests/unit/test_workers.py`, `tests/unit/test_ray.py`
and, behind a real server, in the browser tests.
"""

import os

os.environ.setdefault("LAB_BACKEND", "thread")
