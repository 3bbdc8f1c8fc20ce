"""The topics of a message to Amazon Seller Support, as data: the facts each needs and its structure.

Each :class:`Topic` lists the :class:`Fact` entries of its form (order IDs, ASINs, shipment IDs,
error codes, dates, amounts...), which of them the topic cannot do without, whether the topic costs
the seller money (then the subject carries ``[Action Required]`` and the estimated loss) and whether
it is an appeal (then the text follows fact, evidence, remediation, prevention).
"""

from __future__ import annotations

from dataclasses import dataclass

# What a fact holds; the form reader checks the value's shape by it.
TEXT = "text"
LIST = "list"
DATE = "date"
MONEY = "money"
NUMBER = "number"
EVIDENCE = "evidence"


@dataclass(frozen=True)
class Fact:
    """One entry of a case form: its key in the form, its label in the text, its shape, and a hint."""

    key: str
    label: str
    shape: str
    hint: str


@dataclass(frozen=True)
class Topic:
    """A kind of case: the facts it asks for, which it requires, and how its text is laid out."""

    key: str
    title: str
    facts: tuple[Fact, ...]
    required: frozenset[str]
    money: bool = False
    appeal: bool = False

    def fact(self, key: str) -> Fact:
        """The fact called *key* (KeyError when the topic has none)."""
        for fact in self.facts:
            if fact.key == key:
                return fact
        raise KeyError(key)


REQUEST = Fact("request", "Request", TEXT,
               "one sentence saying what Seller Support should do, e.g. \"Please reinstate ASIN B0C1234567.\"")
ORDER_IDS = Fact("order_ids", "Order ID(s)", LIST, "the order IDs, e.g. [\"114-1234567-1234567\"]")
ASINS = Fact("asins", "ASIN(s)", LIST, "the ASINs concerned, e.g. [\"B0C1234567\"]")
SHIPMENT_IDS = Fact("shipment_ids", "Shipment ID(s)", LIST, "the FBA shipment IDs, e.g. [\"FBA15ABCDE12\"]")
ERROR_CODE = Fact("error_code", "Error code", TEXT, "the code Seller Central shows, e.g. \"8541\"")
ERROR_MESSAGE = Fact("error_message", "Error message", TEXT, "the exact error text, copied from Seller Central")
DETAILS = Fact("details", "What happened", TEXT, "the facts in two or three sentences, with dates")
DATE_FACT = Fact("date", "Date", DATE, "when it happened, e.g. \"2026-11-18\"")
UNITS = Fact("units", "Units", NUMBER, "how many units, e.g. 12")
LOSS = Fact("estimated_loss", "Estimated loss", MONEY,
            "the estimated loss with its currency, e.g. {\"amount\": \"412.80\", \"currency\": \"USD\"}")
FEE_TYPE = Fact("fee_type", "Fee", TEXT, "the fee charged, e.g. \"FBA fulfillment fee\" or \"monthly storage fee\"")
TRACKING = Fact("tracking_numbers", "Tracking number(s)", LIST, "the carrier's tracking numbers")
CARRIER = Fact("carrier", "Carrier", TEXT, "the carrier, e.g. \"UPS\"")
EVIDENCE_FACT = Fact("evidence", "Evidence", EVIDENCE,
                     "the files you attach, each "
                     "{\"file\": \"invoice.pdf\", \"taken_at\": \"2026-11-18T09:30:00-08:00\"}")
ROOT_CAUSE = Fact("root_cause", "Root cause", TEXT, "what went wrong and why, stated as fact")
FIX = Fact("fix", "Fix done", TEXT, "what you have already corrected")
PREVENTION = Fact("prevention", "Prevention", TEXT, "what you changed so it does not happen again")
POLICY = Fact("policy", "Policy", TEXT, "the ID of a policy in your catalogue (case_policies)")
RELATED = Fact("related_cases", "Related case(s)", LIST, "earlier case IDs about the same issue")

TOPICS: dict[str, Topic] = {topic.key: topic for topic in (
    Topic("listing_blocked", "Listing or ASIN blocked",
          (REQUEST, ASINS, ERROR_CODE, ERROR_MESSAGE, DETAILS, DATE_FACT, EVIDENCE_FACT, FIX, PREVENTION, POLICY,
           RELATED),
          frozenset({"request", "asins", "error_message", "evidence", "fix"})),
    Topic("account_health_appeal", "Account health appeal (plan of action)",
          (REQUEST, ORDER_IDS, ASINS, DATE_FACT, ROOT_CAUSE, EVIDENCE_FACT, FIX, PREVENTION, POLICY, RELATED),
          frozenset({"request", "root_cause", "evidence", "fix", "prevention"}), appeal=True),
    Topic("fba_reimbursement", "Lost or damaged FBA inventory reimbursement",
          (REQUEST, SHIPMENT_IDS, ASINS, UNITS, DATE_FACT, LOSS, DETAILS, EVIDENCE_FACT, POLICY, RELATED),
          frozenset({"request", "shipment_ids", "asins", "units", "date", "estimated_loss", "evidence"}),
          money=True),
    Topic("fee_dispute", "Fee or storage-charge dispute",
          (REQUEST, ASINS, FEE_TYPE, DATE_FACT, LOSS, DETAILS, EVIDENCE_FACT, POLICY, RELATED),
          frozenset({"request", "asins", "fee_type", "date", "estimated_loss", "evidence"}), money=True),
    Topic("lost_buy_box", "Lost Buy Box",
          (REQUEST, ASINS, DATE_FACT, LOSS, DETAILS, EVIDENCE_FACT, FIX, POLICY, RELATED),
          frozenset({"request", "asins", "date", "estimated_loss", "evidence"}), money=True),
    Topic("invalid_tracking", "Invalid tracking or late shipment",
          (REQUEST, ORDER_IDS, CARRIER, TRACKING, DATE_FACT, DETAILS, EVIDENCE_FACT, FIX, PREVENTION, POLICY,
           RELATED),
          frozenset({"request", "order_ids", "carrier", "tracking_numbers", "date", "evidence"})),
    Topic("other", "Other",
          (REQUEST, ORDER_IDS, ASINS, ERROR_CODE, ERROR_MESSAGE, DETAILS, DATE_FACT, LOSS, EVIDENCE_FACT, POLICY,
           RELATED),
          frozenset({"request", "details"})),
)}
"""Every topic by key, in the order the composer offers them."""

TOPIC_KEYS: tuple[str, ...] = tuple(TOPICS)

REFERENCE_FACTS = ("asins", "order_ids", "shipment_ids")
"""Facts that identify what a case is about (a second open case on the same topic and reference is a duplicate)."""
