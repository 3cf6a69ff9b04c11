"""The one scheduler process: scheduled jobs, claimed runs and their history."""
