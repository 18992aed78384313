"""Step a finished or stopped GAN by hand, as GAN Lab does: one discriminator or one generator update.

The job calls `step(setup, action)` (`TrainingJob.step`) and refreshes the run's
views afterwards; "epoch" is the engine's own (one more epoch of `fit`).
"""

import numpy as np


def discriminator_step(setup, seed=None):
    """One discriminator update on a random real batch.

    Returns:
        dict: `step` ("D"), `d_loss` and `d_real` measured before the update.
    """
    rng = np.random.default_rng(seed)
    batch = setup.x[rng.choice(len(setup.x), size=setup.batch_size, replace=False)]
    return {"step": "D", **setup.model.step_discriminator(batch)}


def generator_step(setup):
    """One generator update.

    Returns:
        dict: `step` ("G"), `g_loss`, `d_fake` and `g_grad_norm` measured before the update.
    """
    return {"step": "G", **setup.model.step_generator(setup.batch_size)}


def step(setup, action):
    """The hand step `action` ("d_step" or "g_step") of a GAN's setup."""
    return {"d_step": discriminator_step, "g_step": generator_step}[action](setup)
