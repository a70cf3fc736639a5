"""A station where voters abroad cast their ballots, and the real instants it is open. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deadlines.stations.places import city_name, country_name

# Art. 218-17(7): every overseas station opens 08:00 and closes 17:00 local time.
DEFAULT_HOURS = (time(8, 0), time(17, 0))
MAX_DAYS = 6  # Art. 218-17(1): at most six days inside E-14..E-9
WINDOW = (14, 9)  # the national window: E-14 to E-9


@dataclass(frozen=True)
class Station:
    """One station of one election: where it is, its zone, and its voting days and hours."""

    election: str
    station: str  # a short id, unique within the election: `los-angeles`
    name_en: str
    name_ko: str
    country: str
    city: str
    timezone: str
    address: str
    opens: date  # first voting day
    closes: date  # last voting day
    hours: tuple[time, time] = DEFAULT_HOURS

    @property
    def key(self) -> str:
        return f"{self.election}/{self.station}"

    def name(self, lang: str) -> str:
        return self.name_ko if lang == "ko" and self.name_ko else self.name_en

    def days(self) -> list[date]:
        return [self.opens + timedelta(days=i) for i in range((self.closes - self.opens).days + 1)]

    def sessions(self) -> list[tuple[datetime, datetime]]:
        """Each voting day's opening and closing, as aware instants in the station's zone."""
        tz = ZoneInfo(self.timezone)
        start, end = self.hours
        return [(datetime.combine(d, start, tz), datetime.combine(d, end, tz)) for d in self.days()]

    def first_opening(self) -> datetime:
        return self.sessions()[0][0]

    def last_closing(self) -> datetime:
        return self.sessions()[-1][1]

    def hours_text(self) -> str:
        return f"{self.hours[0]:%H:%M}-{self.hours[1]:%H:%M}"

    def as_dict(self) -> dict[str, str]:
        """The CSV's columns, as text (the audit log and the JSON listing use this)."""
        return {
            "election": self.election,
            "station": self.station,
            "name_en": self.name_en,
            "name_ko": self.name_ko,
            "country": self.country,
            "city": self.city,
            "timezone": self.timezone,
            "address": self.address,
            "opens": self.opens.isoformat(),
            "closes": self.closes.isoformat(),
            "hours": self.hours_text(),
        }

    def matches(self, query: str) -> bool:
        """The public page's search: a case-blind match on either name, the country or the city."""
        q = query.strip().casefold()
        if not q:
            return True
        fields = (
            self.name_en,
            self.name_ko,
            self.country,
            self.city,
            self.station,
            country_name(self.country, "ko"),
            city_name(self.city, "ko"),
        )
        return any(q in f.casefold() for f in fields)


def window_of(day: date) -> tuple[date, date]:
    """The national overseas voting window of an election held on `day`: E-14 to E-9."""
    return day - timedelta(days=WINDOW[0]), day - timedelta(days=WINDOW[1])
