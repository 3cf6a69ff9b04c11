"""Development plans: actions with owners and milestones, shown against the data or signed off."""
