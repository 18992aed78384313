"""Deep Learning Lab: the engine behind the pages (no Streamlit outside `lab.ui`)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
