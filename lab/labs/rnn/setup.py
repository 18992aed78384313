"""The RNN lab's wiring: sequence tasks, the recurrent network (an encoder–decoder for dates), live views and metrics."""

import numpy as np

from lab.labs.rnn import dates
from lab.labs.rnn.data import COPY_LENGTH
from lab.labs.rnn.worked_example import LECTURE
from lab.registry import Setup
from lab.runs import Snapshot

GRADIENT_SEQUENCES = 32  # sequences behind ∂loss/∂h_t in each snapshot
SHOWN_POINTS = 300  # adding: predictions drawn against their targets
FORECAST_HOURS = 168  # temperature: one week of the validation forecast
TOY_QUESTION = ("S", "C", "R")  # weather_toy: what comes after these three days?


def uses_lecture_weights(config):
    """Whether the run starts from the lecture's weights (weather_toy, SimpleRNN, 3 units)."""
    return config.task == "weather_toy" and config.cell == "simple_rnn" and config.units == 3


def make_model(config, data):
    """The compiled network for a config and its data."""
    from models.rnn import build_rnn, compile_rnn, optimizer_with_clipping

    model = build_rnn(
        config.cell,
        config.units,
        data.steps,
        data.n_features,
        data.kind,
        n_classes=len(data.classes),
        copy_length=COPY_LENGTH if data.kind == "copy" else 0,
        input_mean=data.input_mean,
        input_var=data.input_var,
        target_mean=data.target_mean,
        target_std=data.target_std,
        lecture=LECTURE if uses_lecture_weights(config) else None,
    )
    return compile_rnn(
        model, data.kind, optimizer_with_clipping(config.optimizer, config.learning_rate, config.clipnorm)
    )


def build(config, data):
    """Builds the network and its fit data; called in the training thread after seeding."""
    from models.rnn_plan import rnn_warnings

    if data.kind == "seq2seq":
        return build_seq2seq(config, data, rnn_warnings(config))
    model = make_model(config, data)
    return Setup(
        model=model,
        x=data.x_train,
        y=data.y_train,
        validation_data=(data.x_val, data.y_val),
        batch_size=config.batch_size,
        warnings=rnn_warnings(config),
        snapshot=lambda m: snapshot(m, config, data),
        extra={"data": data},
    )


def build_seq2seq(config, data, warnings):
    """The encoder–decoder's `Setup`: teacher-forcing fit data, its greedy decoder and attention probe."""
    from models.rnn_seq2seq import GreedyDecoder, attention_probe

    model = dates.make_model(config, data)
    decoder, probe = GreedyDecoder(model), attention_probe(model)
    x, y, validation = dates.fit_data(data)
    return Setup(
        model=model,
        x=x,
        y=y,
        validation_data=validation,
        batch_size=config.batch_size,
        warnings=warnings,
        snapshot=lambda m: seq2seq_snapshot(decoder, probe, config, data),
        extra={"data": data, "decoder": decoder},
    )


def hidden_gradient_norms(model, data):
    """‖∂loss/∂h_t‖ for every step t, averaged over the first validation sequences, and the loss there."""
    from models.rnn import unroll

    n = GRADIENT_SEQUENCES
    result = unroll(model, data.x_val[:n], data.y_val[:n])
    norms = np.linalg.norm(result["grad_h"], axis=-1).mean(axis=0)
    return result["loss"], norms


def lstm_gates(model, data, index=0):
    """The LSTM's gates and states along validation sequence `index` (means over the units)."""
    from lab.labs.rnn.worked_example import lstm_run
    from models.rnn import lstm_weights, normalized_inputs

    W, U, b = lstm_weights(model)
    xs = normalized_inputs(model, data.x_val[index : index + 1])[0]
    steps = lstm_run(W, U, b, np.zeros(U.shape[1]), np.zeros(U.shape[1]), xs)
    out = {name: [float(np.mean(s[name])) for s in steps] for name in ("i", "f", "o")}
    out["c_norm"] = [float(np.linalg.norm(s["c"])) for s in steps]
    if data.name == "adding":
        out["marked"] = np.flatnonzero(data.x_val[index, :, 1]).tolist()
    return out


def predict(model, x):
    """The model's answers for `x` (as numpy), 1,024 sequences at a time."""
    return np.concatenate([np.asarray(model(x[i : i + 1024], training=False)) for i in range(0, len(x), 1024)])


def task_view(model, data):
    """The task's own picture of how well the network does now."""
    if data.name == "adding":
        pred = predict(model, data.x_val[:SHOWN_POINTS])[:, 0]
        return {"target": data.y_val[:SHOWN_POINTS, 0], "prediction": pred}
    if data.name == "temperature":
        pred = predict(model, data.x_val[:FORECAST_HOURS])[:, 0]
        return {
            "time": data.extra["times"][:FORECAST_HOURS],
            "truth": data.y_val[:FORECAST_HOURS, 0],
            "model": pred,
            "persistence": data.extra["persistence"][:FORECAST_HOURS],
        }
    if data.name == "copy":
        pred = predict(model, data.x_val).argmax(axis=-1)
        return {"position_accuracy": (pred == data.y_val).mean(axis=0)}
    if data.name == "seattle_weather":
        from lab.labs.mlp.setup import confusion

        pred = predict(model, data.x_val).argmax(axis=-1)
        return {"confusion": confusion(data.y_val, pred, len(data.classes))}
    question = np.eye(4, dtype="float32")[[["SCRT".index(s) for s in TOY_QUESTION]]]
    return {"question": TOY_QUESTION, "probabilities": predict(model, question)[0]}


class RNNSnapshot(Snapshot, total=False):
    """The recurrent network's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        loss: the loss on validation sequences.
        grad_h: ‖∂loss/∂h_t‖ for each step.
        task: the task's own picture (`task_view`).
        gates: an LSTM's mean gates along a sequence.
        cell: the recurrent cell.
        dates: the encoder–decoder's greedy answers (`seq2seq_snapshot`).
    """

    loss: float
    grad_h: list
    task: dict
    gates: dict
    cell: str
    dates: dict


def snapshot(model, config, data) -> RNNSnapshot:
    """Live views of the network; called from the training thread.

    Returns:
        dict with `loss` (on the first 32 validation sequences), `grad_h` (‖∂loss/∂h_t‖
        for each step), `task` (see `task_view`) and, for an LSTM, `gates`
        (see `lstm_gates`).
    """
    loss, norms = hidden_gradient_norms(model, data)
    views = {"loss": loss, "grad_h": norms, "task": task_view(model, data), "cell": config.cell}
    if config.cell == "lstm":
        views["gates"] = lstm_gates(model, data)
    return views


def seq2seq_snapshot(decoder, probe, config, data) -> RNNSnapshot:
    """Live views of the encoder–decoder; called from the training thread.

    Returns:
        dict with `dates`: the greedy answers' accuracy on the first validation
        dates (`dates.evaluate`, with `examples` from `dates.drawn_examples`), and `cell`.
    """
    view = dates.evaluate(decoder, data, dates.LIVE_ITEMS)
    view["examples"] = dates.drawn_examples(decoder, probe, data)
    return RNNSnapshot(dates=view, cell=config.cell)


def seq2seq_metrics(setup, last):
    """The encoder–decoder's final metrics: greedy decoding of every validation date."""
    data = setup.extra["data"]
    view = dates.evaluate(setup.extra["decoder"], data)
    out = {k: last[k] for k in ("loss", "val_loss", "val_accuracy") if k in last}
    out.update(
        val_sequence_accuracy=view["sequence_accuracy"],
        val_token_accuracy=view["token_accuracy"],
        baseline_accuracy=data.baseline["value"],
        accuracy_by_length=view["by_length"],
        accuracy_by_format=view["by_format"],
    )
    return out


def metrics(setup, run):
    """Final metrics: the last epoch's losses and task metric, and the task's baseline (greedy answers for dates)."""
    if not run.history:
        return {}
    data = setup.extra["data"]
    if data.kind == "seq2seq":
        return {**seq2seq_metrics(setup, run.history[-1]), "epochs_trained": len(run.history)}
    last = run.history[-1]
    keys = {"adding": ("val_mse",), "temperature": ("val_mae", "val_mse")}.get(data.name, ("val_accuracy",))
    out = {k: last[k] for k in ("loss", "val_loss", *keys) if k in last}
    baseline = data.baseline
    name = {"val_mae": "persistence_mae", "val_mse": "baseline_mse"}.get(baseline["metric"], "baseline_accuracy")
    out[name] = baseline["value"]
    if data.name == "seattle_weather":
        out["majority_accuracy"] = out.pop("baseline_accuracy")
        out["persistence_accuracy"] = data.extra["persistence_accuracy"]
    out["epochs_trained"] = len(run.history)
    return out
