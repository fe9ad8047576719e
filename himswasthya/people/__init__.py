"""Master patient index. `search_keys(name_roman, name_deva)`: the search columns bulk writers fill."""

from himswasthya.people.phonetic import search_keys

__all__ = ["search_keys"]
