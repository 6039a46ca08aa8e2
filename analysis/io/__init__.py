"""Readers (format detection, labels) and writers (atomic, manifest)."""

from ..checks import row_label
from .readers import read_responses
from .writers import (atomic_folder, atomic_write_bytes, atomic_write_text, check_not_input, guard_output, sha256,
                      write_json, write_table)

__all__ = ["read_responses", "row_label", "write_table", "write_json", "atomic_write_text",
           "atomic_write_bytes", "guard_output", "sha256", "atomic_folder", "check_not_input"]
