"""Health improvement plans: a portfolio of improvement projects, funded and timed by a MILP."""
