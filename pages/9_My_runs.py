"""My runs: every run this person trained, kept across reloads and restarts."""

from lab.ui.my_runs import my_runs_page

my_runs_page()
