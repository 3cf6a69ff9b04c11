"""Payment statements: a provider's lines, for its commissioner, finance and its own leads."""

from route import Route

ROLES = ("admin", "commissioner", "finance", "provider_lead")

ROUTES = {
    "payments.show": Route(lambda t: f"/payments/orgs/{t.trust_a.id}", allowed=ROLES),
    "payments.csv": Route(lambda t: f"/payments/orgs/{t.trust_a.id}/statement.csv", allowed=ROLES),
}
