"""Cross-cutting web concerns: error mapping, security headers, access decorators, CSV."""
