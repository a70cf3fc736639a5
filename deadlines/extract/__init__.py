"""Notice extraction: dated notice text (English or Korean, text or HTML) to draft deadline records."""

from deadlines.extract.document import read_notice_bytes
from deadlines.extract.extractor import extract, extract_document
from deadlines.extract.model import ExtractedNotice, ExtractedRecord

__all__ = [
    "ExtractedNotice",
    "ExtractedRecord",
    "extract",
    "extract_document",
    "read_notice_bytes",
]
