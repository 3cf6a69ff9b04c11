"""Sign-in, sessions, roles, scope and API tokens."""
