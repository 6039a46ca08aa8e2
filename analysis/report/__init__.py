"""The study report, the top layer: the first simple report (:mod:`.basic`) and the full study
report's APA tables and HTML (:mod:`.study_report`). The APA numbers, labels and figures the
stations use are in :mod:`analysis.formatting`."""
