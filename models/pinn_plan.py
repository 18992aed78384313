"""The PINN's checks and constants without Keras: questionable settings, in words."""

LOG_LAMBDA2_START = -6.0  # λ2 starts at e^−6 ≈ 0.0025, λ1 at 0 (as Raissi et al. start them)


def pinn_warnings(config):
    """Sentences about questionable PINN choices (kept, never silently fixed)."""
    warnings = []
    if config.activation == "relu":
        warnings.append(
            "relu is piecewise linear: its second derivative is 0 almost everywhere (undefined at 0), so u_xx "
            "vanishes and the residual cannot see the viscosity term. Smooth activations (tanh, sin) suit PINNs."
        )
    if config.weight_f == 0:
        warnings.append(
            "The PDE weight is 0: the network only fits the data and knows nothing of the physics inside the domain."
        )
    if config.mode == "inverse" and config.n_u < 500:
        warnings.append("Few measurements: λ1 and λ2 are hard to pin down from fewer than about 500 samples.")
    return tuple(warnings)
