"""AppTests run the pages in this process: their jobs train in its threads (`LAB_BACKEND=thread`).

That keeps them fast and lets a test look at the engine's model; the worker
processes and Ray are tested in `tests/unit/test_workers.py`, `tests/unit/test_ray.py`
and, behind a real server, in the browser tests. The run store is a SQLite file
of the test session.
"""

import os
import tempfile

os.environ.setdefault("LAB_BACKEND", "thread")
# The pages save their runs (lab.store): into a database of this test session, never the project's var/.
os.environ.setdefault("LAB_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='lab-store-')}/runs.sqlite3")
