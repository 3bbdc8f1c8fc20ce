"""After-sales (pure): replacements, refunds and returns, their ledger, rates and buyer messages.

One concept per module: :mod:`.states` (the replacement case's state machine and what is owed when),
:mod:`.returns` (return requests: reason categories and the review deadline in business days),
:mod:`.money` (amounts, currencies and conversion at a recorded rate), :mod:`.ledger` (the ledger
row and its columns), :mod:`.rates` (the rolling replacement rate and its warning), :mod:`.analysis`
(causes ranked by SKU, carrier and destination; cost per month) and :mod:`.messages` (the buyer
message of each step, from the template library). No I/O here: time, holidays and rows come in
as arguments.
"""
