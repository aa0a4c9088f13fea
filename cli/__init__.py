"""`regelmotor`, the command line: evaluate cases (one, many, or NAV's applications), list and check the rules,
serve the HTTP API."""
