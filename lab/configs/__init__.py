"""One frozen config dataclass per lab (see `base` for the machinery)."""
