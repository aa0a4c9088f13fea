"""Is the rule book consistent? `regelmotor check`: generated cases, the solver, the report."""
