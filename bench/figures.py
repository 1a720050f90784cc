"""How the benchmarks time things and print figures: tables under one header, rows like "label   3.42 s   1.00x"."""

import resource
import statistics
import time
from dataclasses import dataclass

# Seconds to the hundredth, milliseconds to the tenth, memory in whole megabytes, sizes to the tenth of a kilobyte.
DECIMALS = {"s": 2, "ms": 1, "MB": 0, "KB": 1}


def timed(function, repeat):
    """Call `function` `repeat` times: the median and the worst seconds, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


def peak_memory_mb():
    """The largest resident size this process has had, in MB (Linux reports it in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def kb_per_page(size, pages):
    return size / 1024 / pages


def ratio(value, base):
    """'0.25x': how many times `base` the value is."""
    return f"{value / base:.2f}x"


def excess(value, base):
    """'+4.8%': how much more than `base` the value is."""
    return f"{value / base - 1:+.1%}"


def verdict(met, goal):
    """'✓ goal ≤ 1.05x' or '✗ goal ≤ 1.05x': whether a figure meets its goal, and the goal."""
    return f"{'✓' if met else '✗'} goal {goal}"


def figure(label, value=None, unit="s", note="", width=42):
    """One figure, '  label      3.42 s   1.00x'; without a value the note stands in its place."""
    if value is None:
        line = f"  {label:{width}} {note}"
    else:
        line = f"  {label:{width}} {value:8.{DECIMALS[unit]}f} {unit:2}  {note}"
    print(line.rstrip())


@dataclass(frozen=True)
class Column:
    title: str
    width: int | None = None
    align: str = ">"
    spec: str = ""  # how a number is written before it is aligned: "d", ".2f", "+.1%"
    unit: str = ""  # written right after the value: "K", "x", "%"
    gap: str | None = None  # what separates it from the column before; the table's gap when None

    def heading(self):
        return format(self.title, f"{self.align}{self.width or ''}")

    def cell(self, value):
        text = value if isinstance(value, str) else format(value, self.spec)
        return format(text + self.unit, f"{self.align}{self.width or ''}")


class Table:
    """Columns under one header line; a row may stop before the last columns."""

    def __init__(self, *columns, gap=" ", rule=False):
        self.columns = columns
        self.gap = gap
        self.rule = rule

    def _join(self, texts):
        return "".join(
            (self.gap if column.gap is None else column.gap) + text if index else text
            for index, (column, text) in enumerate(zip(self.columns, texts, strict=False))
        )

    def header(self):
        line = self._join(column.heading() for column in self.columns)
        print(line)
        if self.rule:
            print("-" * len(line))

    def row(self, *values, tail=""):
        """Print the values under their columns; `tail` follows after a space (an error in place of figures)."""
        line = self._join(column.cell(value) for column, value in zip(self.columns, values, strict=False))
        print(f"{line} {tail}" if tail else line)
