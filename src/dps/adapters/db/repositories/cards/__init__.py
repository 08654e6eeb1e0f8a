"""SQL stores of the business-card import (S9)."""
