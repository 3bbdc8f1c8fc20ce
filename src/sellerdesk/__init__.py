"""sellerdesk: the customer-service desk for Amazon sellers.

Every answer on time and inside Amazon's rules. The public API is re-exported here.
"""

from sellerdesk.config import Config, load_config
from sellerdesk.errors import SellerdeskError

__version__ = "0.1.0"

__all__ = ["Config", "SellerdeskError", "__version__", "load_config"]
