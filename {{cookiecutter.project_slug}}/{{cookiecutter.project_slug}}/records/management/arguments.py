"""Argument types shared by the records app's management commands."""

import argparse


def whole_number(maximum):
    """argparse type for sizes: a whole number from 1 to `maximum`.

    argparse names the option in its error ("argument --batch-size: ...");
    the message names the value and the range.
    """

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = 0
        if not 1 <= value <= maximum:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from 1 to {maximum}, got {text!r}"
            )
        return value

    return parse
