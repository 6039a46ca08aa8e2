"""Published findings as data: the registry, replication verdicts, pooling and the forest plot."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".schema": ["CONSTRUCTS", "Finding"],
    ".registry": ["FindingsError", "describe_finding", "get_finding", "load_findings", "published_findings"],
    ".replication": ["ReplicationResult", "replicate", "replicate_study"],
    ".pooling": ["PoolResult", "pool_effects"],
})
