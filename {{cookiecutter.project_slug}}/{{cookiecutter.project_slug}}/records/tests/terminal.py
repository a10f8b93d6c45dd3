"""Run a command with a real pseudo-terminal as its output, as on a user's screen."""

import fcntl
import os
import struct
import termios


def on_a_terminal(run):
    """Call run(terminal), `terminal` a file on a new pseudo-terminal; return what it showed.

    The terminal is 100 columns wide: tqdm fits its bar to the width it reads
    from the terminal. Line ends come back as "\\n" (a terminal shows "\\r\\n").
    """
    main, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        with open(secondary, "w", encoding="utf-8") as terminal:
            assert terminal.isatty()
            run(terminal)
        shown = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: all of it has been read, and the terminal's writer is gone
                break
            if not chunk:
                break
            shown.append(chunk)
    finally:
        os.close(main)
    return b"".join(shown).decode().replace("\r\n", "\n")
