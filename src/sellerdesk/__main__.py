"""``python -m sellerdesk``."""

from sellerdesk.cli import main

main()
