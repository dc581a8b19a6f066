"""Start the careerbot web app: ``python app.py [--host H] [--port P]``."""

import sys

from careerbot.cli import main

if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
