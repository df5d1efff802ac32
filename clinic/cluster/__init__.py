"""Running the assistant as a clinic group would: several Rasa replicas on one
database, with Redis between them (issue 21)."""
