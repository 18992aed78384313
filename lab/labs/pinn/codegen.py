"""Exports a PINN run as a standalone Keras script: same points, network, seed, Adam and L-BFGS."""

import inspect

from lab.codegen import assignments, notes, source_of
from lab.labs.pinn import data as data_pinn
from lab.labs.pinn import reference as burgers
from lab.labs.pinn.config import STEPS_PER_EPOCH
from lab.labs.pinn.setup import CANDIDATES
from models import pinn_plan

HELPERS = (
    burgers.initial_condition,
    burgers.evaluation_grid,
    burgers.burgers_exact,
    burgers.heat_exact,
    data_pinn.unit_samples,
    data_pinn.grid_shape,
    data_pinn.to_domain,
    data_pinn.collocation_points,
    data_pinn.initial_boundary_points,
    data_pinn.measurements,
)


def _source(source):
    """A function's source without its docstring body beyond the first line."""
    lines = source.splitlines()
    out, skipping = [], False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i > 0 and not out[1:] and stripped.startswith('"""') and not skipping:
            if stripped.count('"""') == 2:
                out.append(line)
                continue
            out.append(line + '"""')
            skipping = True
            continue
        if skipping:
            skipping = '"""' not in stripped
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def _settings(config):
    """The run's settings as named constants."""
    return assignments(
        {
            "MODE": config.mode,
            "EQUATION": config.equation,
            "NU": config.nu,
            "NOISE": config.noise,
            "N_U": config.n_u,
            "N_F": config.n_f,
            "SAMPLING": config.sampling,
            "RESAMPLE_EVERY": config.resample_every,
            "ADAPTIVE_POINTS": config.adaptive_points,
            "ADAPTIVE_ROUNDS": config.adaptive_rounds,
            "HARD_CONSTRAINTS": config.hard_constraints,
            "DEPTH": config.depth,
            "WIDTH": config.width,
            "ACTIVATION": config.activation,
            "WEIGHT_U": config.weight_u,
            "WEIGHT_F": config.weight_f,
            "LEARNING_RATE": config.learning_rate,
            "ADAM_STEPS": config.steps,
            "LBFGS_ITERATIONS": config.lbfgs_iterations,
            "LBFGS_MEMORY": config.lbfgs_memory,
            "DTYPE": config.dtype,
            "SEED": config.seed,
        }
    )


def script(config):
    """A standalone script that reproduces a PINN run of `config` (a `PINNConfig`)."""
    helpers = "\n\n".join(_source(inspect.getsource(f)) for f in HELPERS)
    lbfgs = _source(source_of("models.pinn_lbfgs", "lbfgs"))
    activation = (
        "def sin(x):\n    return keras.ops.sin(x)\n\n\nACTIVATION_FN = sin\n"
        if config.activation == "sin"
        else "ACTIVATION_FN = ACTIVATION\n"
    )
    warning_notes = notes(pinn_plan.pinn_warnings(config))
    return f'''"""
Title: A physics-informed network for {"Burgers'" if config.equation == "burgers" else "the heat"} equation ({config.mode} problem)
Description: A run of Deep Learning Lab's PINN lab as plain Keras: same points, network and seed.
"""

"""
## Setup
"""

import keras
import numpy as np
import tensorflow as tf

"""
## Hyperparameters
"""

{_settings(config)}
{warning_notes}
"""
## The exact solution and the points

Cole-Hopf by Gauss-Hermite quadrature; points are rows (t, x).
"""

NODES = {burgers.NODES}  # Gauss-Hermite nodes
GRID_T, GRID_X = {burgers.GRID_T}, {burgers.GRID_X}  # the published grid: 100 times, 256 positions


{helpers}

rng = np.random.default_rng(SEED)
t_grid, x_grid = evaluation_grid()
exact = burgers_exact if EQUATION == "burgers" else (lambda t, x, nu: heat_exact(t, x, nu))
u_grid = exact(t_grid[:, None], x_grid[None, :], NU)
if MODE == "inverse":
    x_u, u_u = measurements(u_grid, N_U, NOISE, rng)
else:
    x_u, u_u = initial_boundary_points(N_U, SAMPLING, rng)
x_f = collocation_points(N_F, SAMPLING, rng)

"""
## The network u(t, x)

Seeding just before the network is built fixes its first weights, as the lab does.
"""

keras.utils.set_random_seed(SEED)
{activation}
inputs = keras.Input(shape=(2,), dtype=DTYPE)
h = keras.layers.Rescaling(scale=np.array([2.0, 1.0]), offset=np.array([-1.0, 0.0]), dtype=DTYPE)(inputs)  # t to [-1, 1]
for i in range(DEPTH):
    h = keras.layers.Dense(WIDTH, activation=ACTIVATION_FN, kernel_initializer="glorot_normal", dtype=DTYPE)(h)
outputs = keras.layers.Dense(1, dtype=DTYPE)(h)
if HARD_CONSTRAINTS:  # u = -sin(pi x) + t (1 - x^2) N(t, x): u(0, x) = -sin(pi x) and u(t, +-1) = 0 by construction
    t_in, x_in = inputs[:, 0:1], inputs[:, 1:2]
    outputs = -keras.ops.sin(np.pi * x_in) + t_in * (1.0 - x_in * x_in) * outputs
net = keras.Model(inputs, outputs)
variables = list(net.trainable_variables)
if MODE == "inverse":  # u_t + lambda1 u u_x - lambda2 u_xx = 0, lambda2 = exp(log_lambda2) > 0
    lambda1 = tf.Variable(0.0, dtype=DTYPE)
    log_lambda2 = tf.Variable({pinn_plan.LOG_LAMBDA2_START}, dtype=DTYPE)
    variables += [lambda1, log_lambda2]
X_U, U_U = tf.constant(x_u, DTYPE), tf.constant(u_u, DTYPE)
# Adaptive refinement adds points later: spare slots, weighted 0 until filled
X_F = tf.Variable(np.concatenate([x_f, np.repeat(x_f[:1], ADAPTIVE_POINTS, axis=0)]), dtype=DTYPE, trainable=False)
W_F = tf.Variable(np.concatenate([np.ones(len(x_f)), np.zeros(ADAPTIVE_POINTS)])[:, None], dtype=DTYPE, trainable=False)
n_active = len(x_f)


def coefficients():
    if MODE == "inverse":
        return lambda1, tf.exp(log_lambda2)
    return (1.0 if EQUATION == "burgers" else 0.0), NU


def residual(points):
    """f = u_t + lambda1 u u_x - lambda2 u_xx by nested gradient tapes."""
    t, x = points[:, 0:1], points[:, 1:2]
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch([t, x])
            u = net(tf.concat([t, x], axis=1), training=True)
        u_t, u_x = inner.gradient(u, [t, x])
    u_xx = outer.gradient(u_x, x)
    l1, l2 = coefficients()
    return u_t + l1 * u * u_x - l2 * u_xx


def loss_terms():
    loss_u = tf.reduce_mean(tf.square(net(X_U, training=True) - U_U))
    if ADAPTIVE_POINTS:
        loss_f = tf.reduce_sum(W_F * tf.square(residual(X_F))) / tf.reduce_sum(W_F)
    else:
        loss_f = tf.reduce_mean(tf.square(residual(X_F)))
    return WEIGHT_U * loss_u + WEIGHT_F * loss_f, loss_u, loss_f


class Model:  # what `lbfgs` needs: the trainable variables
    trainable_variables = variables


"""
## Adam, one full-batch step at a time
"""

optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE)


@tf.function
def adam_step():
    with tf.GradientTape() as tape:
        loss, loss_u, loss_f = loss_terms()
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    return loss, loss_u, loss_f


def rel_l2_error():
    points = np.stack(np.meshgrid(t_grid, x_grid, indexing="ij"), -1).reshape(-1, 2).astype(DTYPE)
    u = np.asarray(net(points), dtype="float64").reshape(u_grid.shape)
    return np.linalg.norm(u - u_grid) / np.linalg.norm(u_grid)


for step in range(1, ADAM_STEPS + 1):
    loss, loss_u, loss_f = adam_step()
    if RESAMPLE_EVERY and step % RESAMPLE_EVERY == 0:
        X_F[: len(x_f)].assign(collocation_points(N_F, SAMPLING, rng))
    if step % {STEPS_PER_EPOCH} == 0:
        print(f"Adam step {{step}}: loss={{float(loss):.3e}} loss_u={{float(loss_u):.3e}} loss_f={{float(loss_f):.3e}} rel_l2_error={{rel_l2_error():.3e}}")

"""
## L-BFGS refinement on the flattened weights
"""

{lbfgs}

PER_ROUND = -(-ADAPTIVE_POINTS // ADAPTIVE_ROUNDS)
residual_fn = tf.function(residual)


def refine():
    """Adds the PER_ROUND of {CANDIDATES:,} random points with the largest |residual| (RAR)."""
    global n_active
    candidates = collocation_points({CANDIDATES}, "uniform", rng)
    worst = np.argsort(-np.abs(residual_fn(tf.constant(candidates, DTYPE)).numpy()[:, 0]))[:PER_ROUND]
    new = candidates[worst][: X_F.shape[0] - n_active]
    X_F[n_active : n_active + len(new)].assign(new)
    W_F[n_active : n_active + len(new)].assign(np.ones((len(new), 1)))
    n_active += len(new)


if LBFGS_ITERATIONS:
    every = -(-LBFGS_ITERATIONS // (ADAPTIVE_ROUNDS + 1)) if ADAPTIVE_POINTS else 0
    done = lbfgs(Model, loss_terms, LBFGS_ITERATIONS, memory=LBFGS_MEMORY, refresh_every=every, refresh=refine)
    print(f"L-BFGS: {{done}} iterations, loss={{float(loss_terms()[0]):.3e}}")
print(f"rel_l2_error={{rel_l2_error():.4e}}")
if MODE == "inverse":
    l1, l2 = (float(v) for v in coefficients())
    print(f"lambda1={{l1:.6f}} lambda2={{l2:.7f}}")
'''
