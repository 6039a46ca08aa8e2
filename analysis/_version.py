"""goalscope's version (``analysis.__version__``), in a module of its own so that a station can name it
(a coder file's and a manifest's provenance) without importing the package's exports table."""

__version__ = "0.1.0"
