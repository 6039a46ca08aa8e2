"""Published findings: power and sample size, Monte Carlo power, calibrated simulation."""

from .._lazy import lazy_exports

__all__ = lazy_exports(__name__, {
    ".power": ["PowerResult", "power_correlation", "power_correlation_difference", "power_regression",
               "sample_size_table"],
    ".power_montecarlo": ["MonteCarloPowerResult", "power_mediation", "power_moderation"],
    ".simulation": ["SimulationResult", "simulate", "target_from_findings"],
})
