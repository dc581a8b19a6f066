"""``python -m careerbot``: the same as the ``careerbot`` command."""

from careerbot.cli.app import main

main()
