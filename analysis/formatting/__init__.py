"""Formatting shared by every station: APA numbers and text (:mod:`.apa`), labels that read like a
paper (:mod:`.labels`), deterministic figure files (:mod:`.figures`: ``save_figure``,
``finish_figure``) and the figures the stations draw (:mod:`.flow`, :mod:`.scree`,
:mod:`.model_figures`).

A leaf below the stations: it imports no station and no other ``analysis`` module but ``errors``,
``deprecation`` and ``atomic`` (the one file writer, which keeps figures out of ``data/raw/``), so
any station may import it. The study report that assembles a run's results is :mod:`analysis.report`.
"""
