"""Learning from conversations: the review queue and scrubbing personal details."""
