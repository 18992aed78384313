"""Command line: `python -m lab list | show LAB [--json] | run LAB [--preset NAME] [--set K=V] ... | diagnose FILE | gallery | compare [--dataset D] [--budget S]`.

Exit status: 0 when a run ended (completed, stopped or diverged: the JSON says
which), 2 for an invalid configuration, 1 for a failure.
"""

import argparse
import dataclasses
import json
import math
import sys
import time
import traceback

from lab.config import format_value, specs

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def _parser():
    parser = argparse.ArgumentParser(prog="python -m lab", description="Deep Learning Lab, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the labs")
    show = sub.add_parser("show", help="print a lab's settings: default, range or choices, help")
    show.add_argument("lab")
    show.add_argument("--json", action="store_true", help="print them as JSON (the schema)")
    run = sub.add_parser("run", help="train a lab with the same engine as the app")
    run.add_argument("lab")
    run.add_argument("--preset", metavar="NAME", help="start from one of the lab's presets (`show LAB` lists them)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a setting (repeatable)")
    run.add_argument("--json", metavar="FILE", help="write config, history, metrics, diagnosis and status")
    run.add_argument("--save-model", metavar="FILE", help="save the trained model (.keras)")
    run.add_argument("--quiet", action="store_true", help="print only the final line")
    diagnose = sub.add_parser(
        "diagnose",
        help="diagnose a loss history: a CSV (CSVLogger's too), history.history or `run` JSON, a TensorBoard log",
    )
    diagnose.add_argument("file", help="a .csv, .json or .zip file, a TensorBoard event file or log directory")
    diagnose.add_argument("--loss", metavar="TAG", help="TensorBoard: the training loss's tag (default epoch_loss)")
    diagnose.add_argument("--val-loss", metavar="TAG", help="TensorBoard: the validation loss's tag")
    gallery = sub.add_parser("gallery", help="list the gallery's entries and their stored labels, or rebuild them")
    gallery.add_argument("--rebuild", action="store_true", help="train the entries again and store their histories")
    gallery.add_argument("--only", nargs="+", metavar="ID", help="only these entries (ids, or lab names)")
    compare = sub.add_parser(
        "compare", help="train a GAN, a VAE, a RealNVP flow and a diffusion model on the same points and score them"
    )
    compare.add_argument(
        "--dataset", default="ring8", help="the GAN lab's 2-D points: ring8 (the default), grid25, moons or spiral"
    )
    compare.add_argument("--budget", type=float, default=20.0, metavar="SECONDS", help="training seconds per model")
    compare.add_argument("--seed", type=int, default=0, help="seeds the data, the weights and the samples")
    compare.add_argument("--json", metavar="FILE", help="write the entries (figures and 500 samples each) and verdict")
    compare.add_argument("--quiet", action="store_true", help="print only the table and the verdict")
    return parser


def schema(config_cls):
    """The settings of a config class as JSON-ready dicts."""
    defaults = {f.name: f.default for f in dataclasses.fields(config_cls)}
    out = {}
    for name, spec in specs(config_cls).items():
        entry = {"kind": spec.kind, "default": defaults[name], "help": spec.help, "group": spec.group}
        if spec.min is not None:
            entry["min"] = spec.min
        if spec.upper() is not None:
            entry["max"] = spec.upper()
        if spec.choices:
            entry["choices"] = list(spec.choices)
        if spec.live:
            entry["live"] = True
        out[name] = entry
    return out


def allowed_text(entry):
    """A setting's range or choices, in words."""
    if "choices" in entry:
        return ", ".join(map(str, entry["choices"]))
    if "min" in entry or "max" in entry:
        return f"{format_value(entry.get('min', ''))} to {format_value(entry.get('max', ''))}"
    return ""


def settings_table(lab):
    """A lab's settings as text: one table per widget group, as on the page.

    Each row holds the setting's name (the `--set` key and URL parameter), its
    default, its range or choices and the first sentence of its help.
    """
    rows = schema(lab.config_cls)
    groups = dict.fromkeys(entry["group"] for entry in rows.values())
    width = max(len(name) for name in rows)
    lines = [f"{lab.title} ({lab.name}): {lab.summary}", "Set any of these with --set NAME=VALUE or in the page's URL."]
    for group in groups:
        lines += ["", group, "-" * len(group)]
        for name, entry in rows.items():
            if entry["group"] != group:
                continue
            default = format_value(tuple(entry["default"]) if isinstance(entry["default"], list) else entry["default"])
            allowed = allowed_text(entry)
            help_text = entry["help"].split(". ")[0].rstrip(".") + "."
            live = "; changes while training" if entry.get("live") else ""
            lines.append(
                f"  {name:{width}s}  default {default or '(empty)'}" + (f"; {allowed}" if allowed else "") + live
            )
            lines.append(f"  {'':{width}s}  {help_text}")
    if lab.presets:
        lines += ["", "Presets (run one with --preset NAME; --set changes it further)", "-" * 62]
        for preset in lab.presets:
            settings = " ".join(f"{k}={format_value(v)}" for k, v in preset.settings.items()) or "(the defaults)"
            lines += [f"  {preset.key} ({preset.label}): {preset.note}", f"    {settings}"]
    return "\n".join(lines)


def parse_sets(pairs):
    """Turns `["key=value", ...]` into a dict; raises ValueError for a pair without '='."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set takes KEY=VALUE, not {pair!r}.")
        values[key.strip()] = value
    return values


def _progress(run, quiet):
    shown = 0
    while not run.ended:
        time.sleep(0.2)
        if quiet:
            continue
        for row in run.history[shown:]:
            extras = "  ".join(f"{k}={v:.4g}" for k, v in row.items() if k not in ("epoch", "seconds", "learning_rate"))
            print(f"epoch {row['epoch']}/{run.epochs_planned}  {extras}", flush=True)
        shown = len(run.history)


def metric_text(value):
    """A final metric in the one-line summary: numbers to 4 digits, text quoted, lists by their length."""
    if isinstance(value, (int, float)):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        pairs = all(isinstance(item, (list, tuple)) and len(item) == 2 for item in value)
        return f"<{len(value)} {'pairs' if pairs else 'items'}>"
    return repr(value)


def cmd_run(args):
    from lab.registry import get_lab
    from lab.training import TrainingJob

    try:
        lab = get_lab(args.lab)
        preset = {} if args.preset is None else lab.preset(args.preset).settings
        values = {name: format_value(value) for name, value in preset.items()} | parse_sets(args.set)
        config = lab.config_cls.from_strings(values)  # --set wins over the preset
        data = lab.load_data(config)
    except ValueError as err:
        print(f"Invalid configuration: {err}", file=sys.stderr)
        return EXIT_INVALID
    job = TrainingJob(lab, config, data, number=1).start()
    _progress(job.run, args.quiet)
    run = job.wait()
    if run.invalid:
        print(f"Invalid configuration: {run.message}", file=sys.stderr)
        return EXIT_INVALID
    for warning in run.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    if args.json:
        out = run.to_dict()
        if "samples" in run.metrics:  # generated samples (diffusion, VAE) also at the top level
            out["samples"] = run.metrics["samples"]
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    if args.save_model and run.model_bytes:
        with open(args.save_model, "wb") as f:
            f.write(run.model_bytes)
    metrics = "  ".join(f"{k}={metric_text(v)}" for k, v in run.metrics.items())
    labels = ", ".join(run.diagnosis.get("labels", [])) or "none"
    print(f"{run.status_words()} in {run.wall_seconds:.1f} s  {metrics}  diagnosis: {labels}")
    return EXIT_FAILED if run.status == "failed" else EXIT_OK


def cmd_diagnose(args):
    from lab.diagnosis import diagnose_history
    from lab.history_files import load_history

    try:
        history, batch_loss = load_history(args.file, args.loss, args.val_loss)
    except (ValueError, OSError) as err:
        print(f"Cannot read {args.file}: {err}", file=sys.stderr)
        return EXIT_INVALID
    print(json.dumps(diagnose_history(history, batch_loss), indent=1))
    return EXIT_OK


def cmd_gallery(args):
    from lab import gallery

    chosen = [e for e in gallery.entries() if not args.only or e.id in args.only or e.lab in args.only]
    if args.only and not chosen:
        print(f"No gallery entry matches {' '.join(args.only)}.", file=sys.stderr)
        return EXIT_INVALID
    missing = 0
    for entry in chosen:
        stored = gallery.rebuild(entry) if args.rebuild else gallery.load(entry)
        if stored is None:
            print(f"{entry.id:28s} not built yet (python -m lab gallery --rebuild --only {entry.id})")
            missing += 1
            continue
        found = gallery.diagnosis(entry.lab, stored["run"])["labels"]
        fixed = gallery.diagnosis(entry.lab, stored["fix"])["labels"]
        mark = "ok " if entry.label in found else "MISSING"
        print(
            f"{entry.id:28s} {mark} wants {entry.label:18s} found {', '.join(found) or 'none':32s} "
            f"fix: {', '.join(fixed) or 'none'}  ({stored['run']['wall_seconds']} s + {stored['fix']['wall_seconds']} s)",
            flush=True,
        )
    return EXIT_OK if not missing else EXIT_FAILED


def cmd_compare(args):
    from lab.compare import compare, entry_line
    from lab.labs.gan.config import POINT_DATASETS

    if args.dataset not in POINT_DATASETS:
        print(
            f"Invalid configuration: --dataset must be one of {', '.join(POINT_DATASETS)}; got {args.dataset!r}.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if not (math.isfinite(args.budget) and args.budget > 0):
        print(
            f"Invalid configuration: --budget must be a positive number of seconds; got {args.budget:g}.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        result = compare(
            args.dataset, args.budget, args.seed, progress=None if args.quiet else lambda line: print(line, flush=True)
        )
    except Exception as err:  # a failure, not an invalid configuration: the traceback, then one line to read
        traceback.print_exc()
        print(f"The comparison failed: {err}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    if not args.quiet:
        print()
    for entry in result["entries"]:
        print(entry_line(entry))
    print(result["verdict"])
    return EXIT_OK


def main(argv=None):
    """Runs the CLI; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "diagnose":
        return cmd_diagnose(args)
    if args.command == "run":
        return cmd_run(args)
    if args.command == "gallery":
        return cmd_gallery(args)
    if args.command == "compare":
        return cmd_compare(args)
    from lab.registry import get_lab, labs

    if args.command == "list":
        for name, lab in labs().items():
            print(f"{name:12s} {lab.title}: {lab.summary}")
        return EXIT_OK
    try:
        lab = get_lab(args.lab)
    except ValueError as err:
        print(err, file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        presets = {p.key: {"label": p.label, "settings": p.settings, "note": p.note} for p in lab.presets}
        print(
            json.dumps(
                {"lab": lab.name, "title": lab.title, "settings": schema(lab.config_cls), "presets": presets}, indent=1
            )
        )
    else:
        print(settings_table(lab))
    return EXIT_OK
