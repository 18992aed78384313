"""A physics-informed neural network (PINN) for u(t, x), trained on data plus a PDE residual.

The network maps rows (t, x) to u. `PINN.train_step` takes one full-batch Adam
step on

    loss = weight_u · mean((u(t, x) − u_data)²) + weight_f · mean(f(t, x)²),
    f = u_t + λ1·u·u_x − λ2·u_xx,

where the derivatives come from nested `tf.GradientTape`s. Burgers' equation has
λ1 = 1 and λ2 = ν, the heat equation λ1 = 0 and λ2 = ν; in the inverse problem
λ1 and λ2 are trainable (λ2 = exp(log_λ2) stays positive). The points live in the
model, so `fit` runs on a dummy input: every batch is one step on all points.
`PINN.fit` then refines with L-BFGS and reports each iteration to the
same callbacks, so the live charts continue.
"""

import keras
import numpy as np
import tensorflow as tf

from models.pinn_lbfgs import lbfgs
from models.pinn_network import make_network
from models.pinn_plan import LOG_LAMBDA2_START

EQUATIONS = ("burgers", "heat")


class _Resampler(keras.callbacks.Callback):
    """Replaces the collocation points every `every` Adam steps."""

    def __init__(self, every, draw):
        super().__init__()
        self.every, self.draw, self.steps = every, draw, 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps % self.every == 0:
            self.model.set_collocation(self.draw())


@keras.saving.register_keras_serializable(package="lab")
class PINN(keras.Model):
    """A network u(t, x) trained on data and on the residual of a PDE.

    Args:
        net: `keras.Model` mapping `(batch, 2)` rows (t, x) to `(batch, 1)` values of u.
        nu: the viscosity ν (forward problem).
        equation: "burgers" (u_t + u·u_x − ν·u_xx = 0) or "heat" (u_t − ν·u_xx = 0).
        inverse: learn λ1 and λ2 instead of using the equation's values.
        weight_u: weight of the data term.
        weight_f: weight of the residual term.
        dtype: "float32" or "float64" (the network's).

    `train_step` returns `loss`, `loss_u` (data misfit), `loss_f` (mean squared
    residual), each the mean over the epoch's steps like Keras' `loss`, and, for
    the inverse problem, the current `lambda1` and `lambda2`.
    """

    lbfgs_jit_compile = True  # XLA makes an L-BFGS iteration about 1.5 times faster on CPU (bench/pinn_xla.py)

    def __init__(self, net, nu, equation="burgers", inverse=False, weight_u=1.0, weight_f=1.0, **kwargs):
        super().__init__(**kwargs)
        if equation not in EQUATIONS:
            raise ValueError(f"equation must be one of {', '.join(EQUATIONS)}; got {equation!r}.")
        self.net = net
        self.nu = float(nu)
        self.equation = equation
        self.inverse = bool(inverse)
        self.weight_u = float(weight_u)
        self.weight_f = float(weight_f)
        if self.inverse:
            self.lambda1 = self.add_weight(name="lambda1", shape=(), initializer="zeros")
            self.log_lambda2 = self.add_weight(
                name="log_lambda2", shape=(), initializer=keras.initializers.Constant(LOG_LAMBDA2_START)
            )
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "loss_u", "loss_f")}
        self._points = {}
        self._plan = {
            "adam_epochs": None,
            "lbfgs_iterations": 0,
            "steps_per_epoch": 1,
            "resample_every": 0,
            "draw": None,
            "refine_every": 0,
            "refine": None,
            "lbfgs_memory": 50,
        }
        self._residual_fn = None
        self.built = True

    def call(self, inputs, training=False):
        """u at rows (t, x)."""
        return self.net(inputs, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    @property
    def float_dtype(self):
        return self.net.outputs[0].dtype

    def set_points(self, x_u, u, x_f, spare=0):
        """Sets the data points `(n_u, 2)` with values `(n_u, 1)` and the collocation points `(n_f, 2)`.

        Args:
            spare: room for this many collocation points added later (`add_collocation`);
                the empty slots weigh 0 in the residual's mean, so the loss keeps its shape
                and its compiled steps.
        """
        dtype = self.float_dtype
        x_f = np.asarray(x_f)
        self._points["x_u"] = tf.constant(x_u, dtype=dtype)
        self._points["u"] = tf.constant(np.reshape(u, (-1, 1)), dtype=dtype)
        self._points["x_f"] = tf.Variable(
            np.concatenate([x_f, np.repeat(x_f[:1], spare, axis=0)]), dtype=dtype, trainable=False, name="collocation"
        )
        self._points["w_f"] = None
        if spare:
            weights = np.concatenate([np.ones(len(x_f)), np.zeros(spare)])[:, None]
            self._points["w_f"] = tf.Variable(weights, dtype=dtype, trainable=False, name="collocation_weights")
        self._n_f, self._n_first = len(x_f), len(x_f)

    def set_collocation(self, x_f):
        """Replaces the first collocation points (those of `set_points`) by as many new ones."""
        self._points["x_f"][: len(x_f)].assign(np.asarray(x_f))

    def add_collocation(self, points):
        """Adds collocation points in the spare slots of `set_points` (as many as fit)."""
        points = np.asarray(points)[: self._points["x_f"].shape[0] - self._n_f]
        start, self._n_f = self._n_f, self._n_f + len(points)
        self._points["x_f"][start : self._n_f].assign(points)
        self._points["w_f"][start : self._n_f].assign(tf.ones((len(points), 1), self.float_dtype))

    @property
    def collocation(self):
        """The current collocation points as a numpy array (the first ones, then those added)."""
        return self._points["x_f"].numpy()[: self._n_f]

    @property
    def added_collocation(self):
        """The collocation points added by `add_collocation`, as a numpy array."""
        return self._points["x_f"].numpy()[self._n_first : self._n_f]

    def coefficients(self):
        """`(λ1, λ2)` of u_t + λ1·u·u_x − λ2·u_xx = 0: learned (inverse) or the equation's."""
        if self.inverse:
            return self.lambda1, tf.exp(self.log_lambda2)
        return (1.0 if self.equation == "burgers" else 0.0), self.nu

    def residual(self, points):
        """The PDE residual f = u_t + λ1·u·u_x − λ2·u_xx at rows (t, x), by nested gradient tapes.

        Returns:
            `(batch, 1)` tensor.
        """
        points = tf.convert_to_tensor(points, dtype=self.float_dtype)
        t, x = points[:, 0:1], points[:, 1:2]
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch([t, x])
                u = self.net(tf.concat([t, x], axis=1), training=True)
            u_t, u_x = inner.gradient(u, [t, x])
        u_xx = outer.gradient(u_x, x)
        lambda1, lambda2 = self.coefficients()
        return u_t + lambda1 * u * u_x - lambda2 * u_xx

    def residual_numpy(self, points):
        """The residual at rows (t, x) as a numpy vector (compiled on first use)."""
        if self._residual_fn is None:
            self._residual_fn = tf.function(self.residual)
        return self._residual_fn(tf.constant(points, dtype=self.float_dtype)).numpy()[:, 0]

    def loss_terms(self):
        """`(loss, loss_u, loss_f)` on the current points."""
        p = self._points
        loss_u = tf.reduce_mean(tf.square(self.net(p["x_u"], training=True) - p["u"]))
        if p["w_f"] is None:
            loss_f = tf.reduce_mean(tf.square(self.residual(p["x_f"])))
        else:  # the spare slots weigh 0
            loss_f = tf.reduce_sum(p["w_f"] * tf.square(self.residual(p["x_f"]))) / tf.reduce_sum(p["w_f"])
        return self.weight_u * loss_u + self.weight_f * loss_f, loss_u, loss_f

    def _logs(self, loss, loss_u, loss_f):
        for name, value in (("loss", loss), ("loss_u", loss_u), ("loss_f", loss_f)):
            self.trackers[name].update_state(value)
        logs = {name: tracker.result() for name, tracker in self.trackers.items()}
        if self.inverse:
            lambda1, lambda2 = self.coefficients()
            logs.update(lambda1=tf.convert_to_tensor(lambda1), lambda2=lambda2)
        return logs

    def _lbfgs_logs(self, means):
        """The epoch's logs during L-BFGS, in Python floats: eager metric updates would cost as much as an iteration."""
        logs = dict(zip(("loss", "loss_u", "loss_f"), means.tolist()))
        if self.inverse:
            lambda1, lambda2 = self.coefficients()
            logs.update(lambda1=float(lambda1), lambda2=float(lambda2))
        return logs

    def train_step(self, data):
        with tf.GradientTape() as tape:
            loss, loss_u, loss_f = self.loss_terms()
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self._logs(loss, loss_u, loss_f)

    def plan(
        self,
        steps_per_epoch,
        adam_epochs,
        lbfgs_iterations=0,
        resample_every=0,
        draw=None,
        refine_every=0,
        refine=None,
        lbfgs_memory=50,
    ):
        """Sets how `fit` trains: Adam epochs of `steps_per_epoch` steps, then L-BFGS.

        Args:
            steps_per_epoch: Adam steps (and L-BFGS iterations) per epoch; `fit`'s
                input must have this many rows and batch size 1.
            adam_epochs: epochs of Adam before L-BFGS.
            lbfgs_iterations: L-BFGS iterations afterwards (0: none).
            resample_every: new collocation points every this many Adam steps (0: never).
            draw: `() -> (n_f, 2)` array of new collocation points.
            refine_every: L-BFGS iterations between calls of `refine` (0: never).
            refine: `model -> None`, adds collocation points (adaptive refinement).
            lbfgs_memory: the steps L-BFGS remembers.
        """
        self._plan = {
            "adam_epochs": adam_epochs,
            "lbfgs_iterations": lbfgs_iterations,
            "steps_per_epoch": steps_per_epoch,
            "resample_every": resample_every,
            "draw": draw,
            "refine_every": refine_every,
            "refine": refine,
            "lbfgs_memory": lbfgs_memory,
        }

    def fit(self, x=None, y=None, epochs=1, callbacks=None, **kwargs):
        """Adam through `keras.Model.fit`, then L-BFGS reported to the same callbacks.

        Without a `plan`, every epoch is Adam. Epochs beyond the Adam ones are
        L-BFGS epochs (`steps_per_epoch` iterations each); L-BFGS stops earlier
        when it converges or a callback sets `stop_training`.
        """
        plan = self._plan
        callbacks = list(callbacks or [])
        adam_epochs = epochs if plan["adam_epochs"] is None else min(epochs, plan["adam_epochs"])
        history = None
        if adam_epochs > 0:
            extra = (
                [_Resampler(plan["resample_every"], plan["draw"])] if plan["resample_every"] and plan["draw"] else []
            )
            history = super().fit(x, y, epochs=adam_epochs, callbacks=callbacks + extra, **kwargs)
        else:
            self.stop_training = False
        if epochs > adam_epochs and plan["lbfgs_iterations"] and not self.stop_training:
            self._fit_lbfgs(callbacks, adam_epochs, epochs, plan)
        return history

    def _fit_lbfgs(self, callbacks, first_epoch, epochs, plan):
        steps = plan["steps_per_epoch"]
        budget = min(plan["lbfgs_iterations"], (epochs - first_epoch) * steps)
        callback_list = keras.callbacks.CallbackList(callbacks, model=self)
        if first_epoch == 0:
            callback_list.on_train_begin()
        state = {"epoch": first_epoch, "batch": 0, "logs": None, "sums": None}

        def begin_epoch():
            state["sums"] = np.zeros(3)
            callback_list.on_epoch_begin(state["epoch"])

        def on_iteration(loss, loss_u, loss_f):
            callback_list.on_train_batch_begin(state["batch"])
            state["sums"] += (loss, loss_u, loss_f)
            state["logs"] = self._lbfgs_logs(state["sums"] / (state["batch"] + 1))
            callback_list.on_train_batch_end(state["batch"], state["logs"])
            state["batch"] += 1
            if state["batch"] == steps:
                callback_list.on_epoch_end(state["epoch"], state["logs"])
                state["epoch"] += 1
                state["batch"] = 0
                if state["epoch"] < epochs:
                    begin_epoch()
            return self.stop_training

        begin_epoch()
        refine = plan["refine"] and (lambda: plan["refine"](self))
        lbfgs(
            self,
            self.loss_terms,
            budget,
            on_iteration,
            memory=plan["lbfgs_memory"],
            jit_compile=self.lbfgs_jit_compile,
            refresh_every=plan["refine_every"],
            refresh=refine,
        )
        if state["batch"]:  # a partial last epoch (L-BFGS converged early)
            callback_list.on_epoch_end(state["epoch"], state["logs"])
        if first_epoch == 0:
            callback_list.on_train_end()

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype_policy.name,
            "net": keras.saving.serialize_keras_object(self.net),
            "nu": self.nu,
            "equation": self.equation,
            "inverse": self.inverse,
            "weight_u": self.weight_u,
            "weight_f": self.weight_f,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["net"] = keras.saving.deserialize_keras_object(config["net"])
        return cls(**config)


def build_pinn(config, x_u, u, x_f, spare=0):
    """Builds and compiles the PINN a `PINNConfig` describes, holding its points.

    Args:
        config: the `PINNConfig`.
        x_u, u: data points (t, x) and their values.
        x_f: collocation points (t, x).
        spare: room for collocation points added while it trains.

    Returns:
        A compiled `PINN` (Adam with the config's learning rate, XLA).
    """
    net = make_network(config.depth, config.width, config.activation, config.dtype, config.hard_constraints)
    model = PINN(
        net,
        config.nu,
        config.equation,
        config.mode == "inverse",
        config.weight_u,
        config.weight_f,
        dtype=config.dtype,
        name="pinn",
    )
    model.set_points(x_u, u, x_f, spare)
    # XLA: an Adam step 4-21% faster on CPU (bench/pinn_xla.py); L-BFGS uses it too (`lbfgs_jit_compile`).
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate), jit_compile=True)
    return model
