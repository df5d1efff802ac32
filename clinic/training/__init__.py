"""Retraining safely: a candidate model is trained in the background, measured
against the model that is serving, and put live only if it passes the gate."""
