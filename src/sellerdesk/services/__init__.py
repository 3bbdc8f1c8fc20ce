"""Use cases: they orchestrate the pure core and the adapters, and own the transactions.

Get a database with :func:`sellerdesk.services.database.open_database`; store a received
mail with :func:`sellerdesk.services.storing.store_mail`.
"""
