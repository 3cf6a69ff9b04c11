"""The inbox: what waits for each user, gathered from small registered sources."""
