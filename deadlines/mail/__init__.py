"""Outgoing email: rendering messages to bytes, and SMTP delivery."""
