"""Published findings as data: the registry, replication verdicts, pooling, the forest plot, power
and sample size, Monte Carlo power and calibrated simulation."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".schema": ["CONSTRUCTS", "Finding"],
    ".registry": ["FindingsError", "describe_finding", "get_finding", "load_findings", "published_findings"],
    ".replication": ["ReplicationResult", "replicate", "replicate_study"],
    ".pooling": ["PoolResult", "pool_effects"],
    ".power": ["power_correlation", "power_correlation_difference", "power_regression", "sample_size_table"],
    ".power_result": ["PowerResult"],
    ".montecarlo_result": ["MonteCarloPowerResult"],
    ".mediation_power": ["power_mediation"],
    ".power_montecarlo": ["power_moderation"],
    ".simulation": ["simulate"],
    ".simulation_result": ["SimulationResult"],
    ".simulation_targets": ["target_from_findings"],
})
