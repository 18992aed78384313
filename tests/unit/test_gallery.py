"""The gallery: every stored entry shows its pattern, and a sample still does when trained again."""

import pytest

from lab import gallery
from lab.cli import main
from lab.diagnosis import diagnose_history
from lab.registry import get_lab, labs

BUILT = [e for e in gallery.entries() if gallery.load(e) is not None]
RETRAINED = ("mlp-diverged", "mlp-lr-too-low")  # quick ones (a few seconds each)


def test_every_lab_has_an_entry_and_every_entry_is_built():
    assert {e.lab for e in gallery.entries()} == set(labs())
    assert len(gallery.entries()) >= 12
    assert [e.id for e in gallery.entries() if gallery.load(e) is None] == []
    assert len({e.id for e in gallery.entries()}) == len(gallery.entries())


@pytest.mark.parametrize("entry", BUILT, ids=[e.id for e in BUILT])
def test_stored_run_shows_its_label_and_its_settings_are_valid(entry):
    stored = gallery.load(entry)
    lab = get_lab(entry.lab)
    labels = []
    for settings, run in ((entry.settings, stored["run"]), (entry.fix_settings(), stored["fix"])):
        config = lab.config_cls.from_strings(settings)  # still a valid configuration
        assert run["config"] == config.to_strings(only_changed=True)  # built from these
        labels.append(diagnose_history(run["history"], run["batch_loss"], config=config)["labels"])  # today's
    found, fixed = labels
    assert entry.label in found
    if not entry.contrast:
        assert entry.label not in fixed
    if entry.fix_label:
        assert entry.fix_label in fixed


@pytest.mark.parametrize("entry_id", RETRAINED)
def test_retrained_entry_reproduces_its_label(entry_id, tmp_path):
    entry = gallery.get_entry(entry_id)
    stored = gallery.rebuild(entry, folder=tmp_path)
    assert entry.label in stored["run"]["diagnosis"]["labels"]
    assert (tmp_path / f"{entry_id}.json").exists()
    assert stored["run"]["params"] == 1185  # the texts quote the stored count: moons, 2 inputs, 32-32, 1 output


@pytest.mark.parametrize("entry", BUILT, ids=[e.id for e in BUILT])
def test_the_numbers_a_cause_quotes_come_from_its_run(entry):
    stored = gallery.load(entry)
    text = entry.cause_text(stored)
    assert "{" not in text
    if "{params}" in entry.cause:
        assert f"{stored['run']['params']:,} weights" in text


def test_cli_lists_entries_and_rejects_unknown_ones(capsys):
    assert main(["gallery", "--only", "mlp-healthy"]) == 0
    assert "mlp-healthy" in capsys.readouterr().out
    assert main(["gallery", "--only", "no-such-entry"]) == 2
