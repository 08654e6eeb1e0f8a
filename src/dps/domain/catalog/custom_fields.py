"""拡張項目 custom fields: per-tenant extra fields on accounts, persons, opportunities and activities.

Interface fixed for the aggregates; the definitions and the full validation are filled in by the
custom-fields work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from dps.domain.shared.errors import DomainError


@frozen
class CustomFieldSchema:
    """The custom fields defined for one record kind (`entity`: 'account', 'person', 'opportunity',
    'activity', 'lead', 'campaign')."""

    entity: str
    fields: tuple[Any, ...] = field(factory=tuple)

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values, checked and normalised to JSON-ready form; DomainError with
        field='custom_fields.<key>' for an unknown key, a wrong type, a value outside its code
        list, or a missing required field."""
        for key in values:
            raise DomainError(f"'{key}' is not a custom field of {self.entity}", field=f"custom_fields.{key}")
        return {}
