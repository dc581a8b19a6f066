"""``python -m bench``: every figure, careerbot against the naive LangChain pipeline."""

from bench.main import main

main()
