"""Scoring keys as data: the schema, the registry of shipped keys and the loader."""

from .registry import Band, Instrument, Response, Scale, instrument_from_dict, list_instruments, load_instrument

__all__ = ["Instrument", "Scale", "Response", "Band", "load_instrument", "list_instruments", "instrument_from_dict"]
