"""Overseas voting stations (재외투표소): the model, CSV reading and validation, and their voting
moments. Pure: no database, no clock, no I/O."""
