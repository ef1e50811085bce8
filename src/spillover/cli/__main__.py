"""``python -m spillover.cli``: the command line."""

from spillover.cli import main

main()
