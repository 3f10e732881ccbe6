"""``python -m web.cli``: the same as the ``styrdok`` command."""

from web.cli import main

main()
