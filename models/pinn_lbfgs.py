"""L-BFGS in TensorFlow for a model's full-batch loss: the PINN's second optimiser (after Adam)."""

import numpy as np
import tensorflow as tf


def lbfgs(
    model, loss_terms, max_iterations, on_iteration=None, memory=50, jit_compile=False, refresh_every=0, refresh=None
):
    """Minimises `loss_terms()[0]` over the model's trainable variables by L-BFGS.

    Plain L-BFGS in TensorFlow: the two-loop recursion over the last `memory`
    steps gives the direction, a backtracking line search (Armijo condition,
    halving from a step of 1) the step. The weights are one flat vector; each
    iteration is one compiled call. After a failed line search the memory is
    cleared (a gradient step follows); two failures in a row end the run.

    Args:
        model: the `keras.Model` whose trainable variables are optimised.
        loss_terms: `() -> (loss, loss_u, loss_f)` tensors.
        max_iterations: the iteration budget.
        on_iteration: `(loss, loss_u, loss_f) -> stop`, called with floats
            after each iteration; returning True stops L-BFGS.
        memory: how many recent steps shape the curvature estimate.
        jit_compile: compile each iteration with XLA.
        refresh_every: iterations between calls of `refresh` (0: never).
        refresh: `() -> None`, changes the loss (new collocation points, say); the
            loss and gradient are then evaluated again and the memory kept.

    Returns:
        The iterations done; the model holds the final weights.
    """
    variables = list(model.trainable_variables)
    shapes = [tuple(v.shape) for v in variables]
    sizes = [int(np.prod(s)) for s in shapes]
    dtype = variables[0].dtype
    start = tf.concat([tf.reshape(tf.cast(tf.convert_to_tensor(v), dtype), [-1]) for v in variables], axis=0)
    w = tf.Variable(start)
    s_mem = tf.Variable(tf.zeros((memory, sum(sizes)), dtype))
    y_mem = tf.Variable(tf.zeros((memory, sum(sizes)), dtype))
    rho = tf.Variable(tf.zeros((memory,), dtype))

    def assign(flat):
        for variable, piece, shape in zip(variables, tf.split(flat, sizes), shapes):
            variable.assign(tf.reshape(piece, shape))

    def evaluate(flat):
        assign(flat)
        with tf.GradientTape() as tape:
            loss, loss_u, loss_f = loss_terms()
        grads = tape.gradient(loss, variables)
        return loss, loss_u, loss_f, tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)

    def direction(g):
        alphas = tf.TensorArray(dtype, size=memory)
        q = g
        for i in tf.range(memory - 1, -1, -1):  # newest pair last
            a = rho[i] * tf.tensordot(s_mem[i], q, 1)
            q -= a * y_mem[i]
            alphas = alphas.write(i, a)
        yy = tf.tensordot(y_mem[-1], y_mem[-1], 1)
        first = tf.minimum(tf.constant(1.0, dtype), 1.0 / (tf.reduce_sum(tf.abs(g)) + 1e-30))
        gamma = tf.where(yy > 0, tf.tensordot(s_mem[-1], y_mem[-1], 1) / tf.maximum(yy, 1e-30), first)
        r = gamma * q
        for i in tf.range(memory):
            b = rho[i] * tf.tensordot(y_mem[i], r, 1)
            r += s_mem[i] * (alphas.read(i) - b)
        return -r

    @tf.function(jit_compile=jit_compile)
    def iterate(f, g):
        d = direction(g)
        slope = tf.tensordot(g, d, 1)
        bad = slope >= 0  # not a descent direction: fall back to the gradient
        d = tf.where(bad, -g, d)
        slope = tf.where(bad, -tf.tensordot(g, g, 1), slope)
        step = tf.constant(2.0, dtype)
        f_new, lu, lf, g_new = tf.constant(np.inf, dtype), tf.zeros((), dtype), tf.zeros((), dtype), g
        trials = tf.constant(0)
        while (trials == 0 or f_new > f + 1e-4 * step * slope) and trials < 30:  # Armijo: enough decrease
            step = step * 0.5
            f_new, lu, lf, g_new = evaluate(w + step * d)
            trials += 1
        ok = (f_new <= f + 1e-4 * step * slope) & (f_new < f)  # a step too small to change f is a failure
        s, y = step * d, g_new - g
        sy = tf.tensordot(s, y, 1)
        if ok and sy > 1e-10 * tf.tensordot(y, y, 1):
            s_mem.assign(tf.concat([s_mem[1:], s[None]], 0))
            y_mem.assign(tf.concat([y_mem[1:], y[None]], 0))
            rho.assign(tf.concat([rho[1:], [1.0 / sy]], 0))
        if ok:
            w.assign(w + s)
        else:
            s_mem.assign(tf.zeros_like(s_mem))
            y_mem.assign(tf.zeros_like(y_mem))
            rho.assign(tf.zeros_like(rho))
        assign(w)
        return tf.where(ok, f_new, f), lu, lf, tf.where(ok, g_new, g), ok

    evaluate_once = tf.function(evaluate)
    f, _, _, g = evaluate_once(w)
    step = iterate.get_concrete_function(f, g)  # called directly: skips tf.function's dispatch on every iteration
    failures, done = 0, 0
    while done < max_iterations:
        f, loss_u, loss_f, g, ok = step(f, g)
        done += 1
        failures = 0 if ok else failures + 1
        if failures >= 2:
            break
        if on_iteration and on_iteration(float(f), float(loss_u), float(loss_f)):
            break
        if refresh and refresh_every and done % refresh_every == 0 and done < max_iterations:
            refresh()
            f, _, _, g = evaluate_once(w)
    assign(w)
    return done
