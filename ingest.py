"""Index the corpus: ``python ingest.py [CORPUS_DIR] [--rebuild] [--json]``."""

import sys

from careerbot.cli import main

if __name__ == "__main__":
    main(["ingest", *sys.argv[1:]])
