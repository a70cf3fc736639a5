"""Rules: the law's schedule written as data (TOML), validated and evaluated into deadline records."""

from deadlines.rules.evaluate import evaluate, evaluate_election
from deadlines.rules.loader import load_rules, parse_rules_text
from deadlines.rules.model import Election, Offset, Override, Rule, RuleBook, RuleSet

__all__ = [
    "Election",
    "Offset",
    "Override",
    "Rule",
    "RuleBook",
    "RuleSet",
    "evaluate",
    "evaluate_election",
    "load_rules",
    "parse_rules_text",
]
