"""Rule files and dated parameter tables (data, read by engine.law.rulebook)."""
