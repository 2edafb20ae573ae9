"""The shared actor filters and their round trip through URL query parameters.

The same :class:`Filters` drives the Directory, the Map and the Network, so a deep
link reproduces exactly what a user was looking at.

Examples
--------
>>> f = Filters(q="amappe", countries=("MA",), themes=("economic_integration",))
>>> params = f.to_params()
>>> params
{'q': 'amappe', 'country': 'MA', 'theme': 'economic_integration'}
>>> Filters.from_params(params) == f
True
>>> Filters().is_empty()
True
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

#: dataclass field -> URL parameter name (lists are comma-separated in the URL).
_PARAM_NAMES = {
    "q": "q",
    "countries": "country",
    "regions": "region",
    "cities": "city",
    "kinds": "kind",
    "themes": "theme",
    "target_groups": "target",
    "projects": "project",
}


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Empty tuples mean "no restriction"."""

    q: str = ""
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()      # ISO 3166-2 admin-1 codes
    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when no filter restricts the actors."""
        return not any(getattr(self, f.name) for f in fields(self))

    def to_params(self) -> dict[str, str]:
        """Query parameters for this selection (empty filters are left out)."""
        params: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not value:
                continue
            params[_PARAM_NAMES[f.name]] = value if isinstance(value, str) else ",".join(value)
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Filters:
        """Rebuild filters from query parameters; unknown parameters are ignored.

        >>> Filters.from_params({"country": "MA,SN", "q": " fes "}).countries
        ('MA', 'SN')
        """
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = params.get(_PARAM_NAMES[f.name])
            if raw is None:
                continue
            if isinstance(raw, (list, tuple)):
                raw = ",".join(str(r) for r in raw)
            raw = str(raw)
            if f.name == "q":
                values["q"] = raw.strip()
            else:
                values[f.name] = tuple(part.strip() for part in raw.split(",") if part.strip())
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Filters:
        """A copy with some fields replaced (lists are normalised to tuples)."""
        clean = {k: (tuple(v) if isinstance(v, (list, set)) else v) for k, v in changes.items()}
        return replace(self, **clean)  # type: ignore[arg-type]


PARAM_NAMES = tuple(_PARAM_NAMES.values())
