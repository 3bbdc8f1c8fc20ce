"""Adapters: one technology each (IMAP, SMTP, the database, the SP-API, an LLM endpoint).

Each adapter translates its library's errors into :mod:`sellerdesk.errors`.
"""
