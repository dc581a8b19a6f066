"""The ``careerbot`` command line (typer): ``main`` is the console script's entry point."""

from careerbot.cli.app import main

__all__ = ["main"]
