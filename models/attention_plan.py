"""The attention lab's checks and constants without Keras: questionable settings, in words."""

POSITIONAL = ("sinusoidal", "learned", "none")


def attention_warnings(config):
    """Sentences about questionable choices (kept, never silently fixed)."""
    warnings = []
    if config.positional == "none" and config.task != "text" and not config.causal:
        warnings.append(
            "Without positional encoding (and without the causal mask) attention sees the tokens as an unordered "
            "bag: a token's output cannot depend on where it sits, yet reverse, copy_shift and sort all need that."
        )
    if config.task == "text" and not config.causal:
        warnings.append(
            "Next-character prediction without the causal mask lets each position look at the very character it "
            "must predict: accuracy soars, but generation fails because the future is not there to copy."
        )
    if config.task != "text" and config.causal and config.task in ("reverse", "sort"):
        warnings.append(
            f"With the causal mask the first positions cannot see the tokens they need for {config.task}: "
            "the first output of reverse is the last input. Accuracy stays well below 100%."
        )
    return tuple(warnings)
