"""Pure scoring engine: achievement, points, payments, funnel plots, SPC, escalation."""
