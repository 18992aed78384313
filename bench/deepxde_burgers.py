"""DeepXDE's Burgers example, timed against the same exact solution as the PINN lab.

Run with a Python that has DeepXDE (see bench/README.md, "PINN vs DeepXDE"); it
loads only the lab's numpy reference solution (`lab/labs/pinn/reference.py`). The network,
points and schedule are those of DeepXDE's `examples/pinn_forward/Burgers.py`:
3 × 20 tanh (Glorot normal), 2,540 domain + 80 boundary + 160 initial points,
Adam (lr 1e-3) for 15,000 iterations, then L-BFGS until it stops. Every time
DeepXDE reports its losses (each 1,000 steps) the relative L2 error on the
published 256 × 100 grid is measured; that time is taken off the clock.

With the PyTorch backend, L-BFGS (`torch.optim.LBFGS`) runs in calls of
`--lbfgs-chunk` iterations (DeepXDE's own loop; 1,000 by default, 100 here so that
its path is scored every 100 iterations, as the lab's is), and PyTorch gets the
machine's two threads.

With the TensorFlow 2 backend, L-BFGS runs as one TFP call that reports nothing
until it ends; so that its path can be timed too, the weights of every loss
evaluation are recorded with their time (a copy, not a change to the algorithm)
and the error of every 20th is measured afterwards.

Prints one JSON object: {"checkpoints": [[seconds, step, rel_l2_error], ...],
"final_rel_l2_error": ..., "seconds": ...}.

    DDE_BACKEND=pytorch PYTHONPATH=. .bench-venv/bin/python bench/deepxde_burgers.py [--adam 15000] [--seed 1]
"""

import argparse
import importlib.util
import json
import pathlib
import time

import deepxde as dde
import numpy as np


def load_reference():
    """The lab's `lab/labs/pinn/reference.py` (numpy only), loaded without the lab package around it."""
    path = pathlib.Path(__file__).resolve().parent.parent / "lab" / "labs" / "pinn" / "reference.py"
    spec = importlib.util.spec_from_file_location("pinn_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = load_reference()
NU, evaluation_grid, exact_on_grid, relative_l2 = (
    reference.NU,
    reference.evaluation_grid,
    reference.exact_on_grid,
    reference.relative_l2,
)


def pde(x, y):
    dy_x = dde.grad.jacobian(y, x, i=0, j=0)
    dy_t = dde.grad.jacobian(y, x, i=0, j=1)
    dy_xx = dde.grad.hessian(y, x, i=0, j=0)
    return dy_t + y * dy_x - NU * dy_xx


def build():
    geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 0.99))
    bc = dde.icbc.DirichletBC(geomtime, lambda x: 0, lambda _, on_boundary: on_boundary)
    ic = dde.icbc.IC(geomtime, lambda x: -np.sin(np.pi * x[:, 0:1]), lambda _, on_initial: on_initial)
    data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=2540, num_boundary=80, num_initial=160)
    net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
    return dde.Model(data, net)


def record_lbfgs_evaluations(records, start):
    """Makes DeepXDE's TFP L-BFGS loss function also keep `(seconds, weights)` of each evaluation."""
    import tensorflow as tf
    from deepxde.optimizers.tensorflow import tfp_optimizer

    timed = tfp_optimizer.LossAndFlatGradient.__call__.python_function

    def keep(weights):
        records.append((time.perf_counter() - start, weights.copy()))
        return np.int64(len(records))

    @tf.function
    def call(self, weights_1d):
        tf.numpy_function(keep, [weights_1d], tf.int64, stateful=True)
        return timed(self, weights_1d)

    tfp_optimizer.LossAndFlatGradient.__call__ = call


def errors_of_records(model, records, inputs, exact, every=20):
    """`[seconds, None, error]` for every `every`-th recorded L-BFGS evaluation (weights restored after)."""
    from deepxde.optimizers.tensorflow.tfp_optimizer import LossAndFlatGradient

    variables = model.net.trainable_variables
    flat = LossAndFlatGradient(variables, lambda: 0.0)
    final = flat.to_flat_weights(variables)
    points = []
    for seconds, weights in records[::every]:
        flat.set_flat_weights(weights)
        points.append([round(seconds, 3), None, relative_l2(model.predict(inputs).reshape(exact.shape), exact)])
    flat.set_flat_weights(final)
    return points


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adam", type=int, default=15000, help="Adam iterations before L-BFGS")
    parser.add_argument("--lbfgs", type=int, default=15000, help="L-BFGS iterations at most (DeepXDE's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lbfgs-chunk", type=int, default=100, help="PyTorch: L-BFGS iterations per call")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch: intra-op threads")
    parser.add_argument("--float64", action="store_true", help="DeepXDE's advice for L-BFGS (the example runs float32)")
    args = parser.parse_args(argv)
    dde.config.set_random_seed(args.seed)
    dde.optimizers.set_LBFGS_options(maxiter=args.lbfgs)
    if dde.backend.backend_name == "pytorch":
        import torch

        torch.set_num_threads(args.threads)
        options = dde.optimizers.config.LBFGS_options
        options["iter_per_step"] = args.lbfgs_chunk
        options["fun_per_step"] = options["maxfun"] * args.lbfgs_chunk // options["maxiter"]
    if args.float64:
        dde.config.set_default_float("float64")
    grid_t, grid_x = evaluation_grid()
    tt, xx = np.meshgrid(grid_t, grid_x, indexing="ij")
    inputs = np.stack([xx.ravel(), tt.ravel()], axis=1).astype(
        "float64" if args.float64 else "float32"
    )  # DeepXDE's order: (x, t)
    exact = exact_on_grid()
    checkpoints, off_clock = [], 0.0
    shown = dde.display.training_display

    class Measured:
        """DeepXDE's loss display, plus the error on the grid each time it shows (off the clock)."""

        def __call__(self, train_state):
            nonlocal off_clock
            begin = time.perf_counter()
            error = relative_l2(model.predict(inputs).reshape(exact.shape), exact)
            checkpoints.append([round(begin - start - off_clock, 3), int(train_state.step), error])
            off_clock += time.perf_counter() - begin
            shown(train_state)

        def __getattr__(self, name):
            return getattr(shown, name)

    dde.model.display.training_display = Measured()
    start = time.perf_counter()
    records = []
    if dde.backend.backend_name == "tensorflow":
        record_lbfgs_evaluations(records, start)
    model = build()
    model.compile("adam", lr=1e-3)
    model.train(iterations=args.adam, display_every=1000)
    adam_off_clock = off_clock
    model.compile("L-BFGS")
    model.train(display_every=1000)
    seconds = time.perf_counter() - start - off_clock
    if records:  # recorded on the clock of the whole run: take off what was measured before L-BFGS
        lbfgs_points = errors_of_records(model, records, inputs, exact)
        checkpoints += [[round(t - adam_off_clock, 3), step, error] for t, step, error in lbfgs_points]
        checkpoints.sort(key=lambda point: point[0])
    final = relative_l2(model.predict(inputs).reshape(exact.shape), exact)
    print(json.dumps({"checkpoints": checkpoints, "final_rel_l2_error": final, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
