"""Two dashboards side by side on the same data and seed, with a readout of each run."""


class Comparison:
    """Placeholder replaced below."""
