"""How far a long command has got: a live bar on a terminal, a plain line per tenth elsewhere.

On a terminal, tqdm draws one line that it keeps rewriting: done/total, rate
and time left. tqdm rather than rich: it is one small package with no
dependencies of its own and does exactly this; rich is a whole terminal
toolkit (with pygments and markdown-it-py) that the project would carry for
one progress bar.

When the output is not a terminal (CI, cron, a file), a redrawn bar would
fill the log with carriage returns, so the same figures are written as plain
lines instead, one each time another tenth of the work is done; at 100% the
command's own summary says the rest. At --verbosity 0 nothing is written.
"""

import time

from tqdm import tqdm

# What the plain lines show, in tqdm's format fields; {postfix} is the note, after a comma.
PLAIN_LINE = (
    "{desc}: {n_fmt} of {total_fmt}{unit} ({percentage:.0f}%), "
    "{rate_fmt}, {remaining} left{postfix}"
)


class Progress:
    """Progress of one command towards `total` (None when it is not known).

    `stdout` is the command's self.stdout. Call update(done, note) with the
    amount done so far; `note` adds a figure of its own ("tickets issued: 5").
    Use it as a context manager, so that a bar is finished even on an error.
    `unit` follows each amount (" records", with its space; "B" for bytes);
    unit_scale=True shows amounts as 1.50k, 2.86M.
    """

    def __init__(self, stdout, verbosity, description, total, unit, unit_scale=False):
        self._stdout = stdout
        self._total = total
        self._meter = {"prefix": description, "unit": unit, "unit_scale": unit_scale}
        self._bar = None
        self._silent = verbosity < 1
        self._tenths_shown = 0
        self._started = time.monotonic()
        if not self._silent and stdout.isatty():
            self._bar = tqdm(
                total=total,
                desc=description,
                unit=unit,
                unit_scale=unit_scale,
                file=_Unterminated(stdout),
                dynamic_ncols=True,
            )

    def update(self, done, note=""):
        if self._bar is not None:
            self._bar.update(done - self._bar.n)
            if note:
                self._bar.set_postfix_str(note, refresh=False)
        elif not self._silent and self._total:
            tenths = done * 10 // self._total
            if self._tenths_shown < tenths < 10:
                self._tenths_shown = tenths
                line = tqdm.format_meter(
                    done,
                    self._total,
                    time.monotonic() - self._started,
                    bar_format=PLAIN_LINE,
                    postfix=note or None,
                    **self._meter,
                )
                self._stdout.write(line)

    def write_above(self, stream, text):
        """Write a line to `stream` (self.stdout or self.stderr) without breaking up the bar.

        On a terminal the bar is taken down, the line written, and the bar
        drawn again below it. This writes even at verbosity 0: it is for errors.
        """
        if self._bar is not None:
            self._bar.clear()
        stream.write(text)
        if self._bar is not None:
            self._bar.refresh()

    def close(self):
        if self._bar is not None:
            self._bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _Unterminated:
    """The command's stdout for tqdm: written as given, without Django's line ending.

    Django's OutputWrapper.write() adds a newline to every message; a bar that
    redraws itself with carriage returns must not get one.
    """

    def __init__(self, stdout):
        self._stdout = stdout

    def write(self, text):
        self._stdout.write(text, ending="")

    def __getattr__(self, name):  # flush, fileno, encoding: the terminal's own
        return getattr(self._stdout, name)
