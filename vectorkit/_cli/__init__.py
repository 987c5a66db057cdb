"""Sub-commands of the ``vectorkit`` command that live outside ``cli.py`` (one module each)."""
