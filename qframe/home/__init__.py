"""The public landing page and each role's home page."""
