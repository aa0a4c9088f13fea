"""Running a rule set on a case's facts: compiled to durable-rules (the runtime), or walked directly (the oracle)."""
