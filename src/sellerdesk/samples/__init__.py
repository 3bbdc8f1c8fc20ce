"""Realistic sample data written by sellerdesk itself: relay mails, notices and seeded corpora.

Pure and seeded: nothing here reads files, the network or the clock, so demo data, tests and
benchmarks get the same bytes on every run.
"""

from __future__ import annotations

from sellerdesk.samples.relay import render_buyer_message, render_delivery_report, render_notice
from sellerdesk.samples.relay_corpus import SampleMail, generate_relay_mails

__all__ = [
    "SampleMail", "generate_relay_mails", "render_buyer_message", "render_delivery_report", "render_notice",
]
