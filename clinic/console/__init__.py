"""The staff console for the clinic's team: python -m clinic.console."""
