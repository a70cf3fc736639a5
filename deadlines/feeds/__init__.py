"""Calendar feeds: deadline records out as RFC 5545 iCalendar, as files and over HTTP."""
