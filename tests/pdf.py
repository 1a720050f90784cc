"""Reading real PDFs back with poppler's tools."""

import subprocess
from pathlib import Path


def pdf_text(path, first=None, last=None, crop=None):
    """The text of a PDF; `crop` = (x, y, width, height) in points keeps only that area of each page."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if crop:
        args += ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(path):
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    return [{"name": row.split()[0], "embedded": row.split()[-5] == "yes"} for row in rows if row.strip()]


def pdf_info(path):
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {
        key.strip(): value.strip() for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)
    }


def stored_pdf(name, directory):
    """A stored file copied to a local path for poppler's tools, read through the storage (the disk or the bucket)."""
    from exports import storage

    path = Path(directory) / name.rsplit("/", 1)[-1]
    path.write_bytes(storage.read(name))
    return path
