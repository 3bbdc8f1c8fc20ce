"""Pure domain logic: no sockets, files, database, clock or environment.

Time comes in as an argument. Nothing here imports from ``sellerdesk.adapters``,
``sellerdesk.services``, ``sellerdesk.cli`` or ``sellerdesk.web``, nor SQLAlchemy, HTTP
clients or socket-level modules (``tests/test_architecture.py`` checks this).
"""
