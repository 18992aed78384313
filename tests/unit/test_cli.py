"""The CLI: list, show, run (exit codes and JSON), diagnose."""

import json
import subprocess
import sys

from lab.cli import main


def test_list_and_show(capsys):
    assert main(["list"]) == 0
    assert "mlp" in capsys.readouterr().out
    assert main(["show", "mlp", "--json"]) == 0
    schema = json.loads(capsys.readouterr().out)["settings"]
    assert schema["learning_rate"]["max"] == 100.0 and "adam" in schema["optimizer"]["choices"]
    assert schema["learning_rate"]["live"] is True and "live" not in schema["epochs"]
    assert main(["show", "nope"]) == 2


def test_show_prints_a_readable_table_grouped_as_on_the_page(capsys):
    assert main(["show", "gan"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [line for line in lines if line in ("Data", "Model", "Training")] == ["Data", "Model", "Training"]
    row = next(line for line in lines if line.split()[:1] == ["d_learning_rate"])
    assert "default 0.001; 1e-06 to 1" in row and "changes while training" in row
    assert any("The discriminator's step size" in line for line in lines)
    row = next(line for line in lines if line.split()[:1] == ["dataset"])
    assert "ring8, grid25, moons, spiral, mnist5k" in row
    assert not out.lstrip().startswith("{")  # JSON only with --json


def test_run_writes_json_and_model(tmp_path, capsys):
    out, model = tmp_path / "out.json", tmp_path / "m.keras"
    code = main(
        ["run", "mlp", "--set", "epochs=3", "--set", "n_samples=200", "--json", str(out), "--save-model", str(model)]
    )
    assert code == 0
    result = json.loads(out.read_text())
    assert result["status"] == "completed" and len(result["history"]) == 3
    assert {"val_loss", "val_accuracy"} <= set(result["metrics"])
    assert {"config", "diagnosis", "wall_seconds"} <= set(result)
    assert result["config"]["epochs"] == 3
    assert model.stat().st_size > 1000
    assert "epoch 3/3" in capsys.readouterr().out


def test_regression_reports_val_mse(tmp_path):
    out = tmp_path / "out.json"
    assert main(["run", "mlp", "--set", "dataset=sine", "--set", "epochs=2", "--quiet", "--json", str(out)]) == 0
    assert "val_mse" in json.loads(out.read_text())["metrics"]


def test_divergence_exits_zero_with_status_diverged(tmp_path):
    out = tmp_path / "out.json"
    assert (
        main(["run", "mlp", "--set", "optimizer=sgd", "--set", "learning_rate=50", "--quiet", "--json", str(out)]) == 0
    )
    assert json.loads(out.read_text())["status"] == "diverged"


def test_invalid_configuration_exits_two_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "lab", "run", "mlp", "--set", "epochs=-5"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "epochs must be between 1 and 2000; got -5" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_set_syntax_and_bad_csv_exit_two(tmp_path, capsys):
    assert main(["run", "mlp", "--set", "epochs"]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    assert main(["run", "mlp", "--set", "dataset=csv", "--set", f"csv_path={bad}"]) == 2
    assert "empty" in capsys.readouterr().err


def test_diagnose_reads_the_json_of_run(tmp_path, capsys):
    out = tmp_path / "out.json"
    main(["run", "mlp", "--set", "epochs=12", "--set", "n_samples=200", "--quiet", "--json", str(out)])
    capsys.readouterr()
    assert main(["diagnose", str(out)]) == 0
    diagnosis = json.loads(capsys.readouterr().out)
    assert "labels" in diagnosis and "findings" in diagnosis
    assert main(["diagnose", str(tmp_path / "missing.csv")]) == 2


def test_a_pages_preset_runs_from_the_command_line_and_set_changes_it(tmp_path, capsys):
    assert main(["show", "pinn"]) == 0
    table = capsys.readouterr().out
    assert "inverse_problem (Inverse problem)" in table and "mode=inverse depth=4 width=32" in table
    assert main(["show", "pinn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["presets"]["high_accuracy"]["settings"]["dtype"] == "float64"
    out = tmp_path / "run.json"
    small = [
        "--set",
        "width=8",
        "--set",
        "n_u=300",
        "--set",
        "n_f=200",
        "--set",
        "steps=100",
        "--set",
        "lbfgs_iterations=0",
    ]
    assert main(["run", "pinn", "--preset", "inverse_problem", *small, "--json", str(out), "--quiet"]) == 0
    config = json.loads(out.read_text())["config"]
    assert config["mode"] == "inverse" and config["depth"] == 4  # from the preset
    assert config["width"] == 8 and config["n_u"] == 300  # --set wins
    assert main(["run", "pinn", "--preset", "three_nines"]) == 2
    assert "no preset 'three_nines'; presets: quick, high_accuracy" in capsys.readouterr().err
