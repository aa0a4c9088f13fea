"""Running a rule set on a case's facts: compiled to durable-rules (runtime), or to one Python function (compiled)."""
