"""Administration of users: create, disable, re-scope, issue API tokens."""
