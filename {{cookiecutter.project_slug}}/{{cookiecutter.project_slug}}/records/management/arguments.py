"""Argument types shared by the records app's management commands."""

import argparse


def positive_int(text):
    """argparse type for sizes: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value
