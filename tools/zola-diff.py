#!/usr/bin/env python3
"""Builds one site with Zola and with Kiln and says where the outputs differ.

    tools/zola-diff.py --zola PATH --kiln PATH SITE [--keep DIR] [--show N]

Both build SITE into fresh folders (Zola: `zola --root SITE build --output-dir DIR --force`;
Kiln: `kiln build --root SITE --output-dir DIR`). Then it lists the files only one wrote, and
for every file both wrote: identical bytes, or for HTML, XML and JSON the same visible text
(tags, attributes order and whitespace aside), or different; the first N differing files
get a short diff of their text. Python 3 standard library only. Exit status 0 whatever the
differences: this is a report, not a test.
"""

import argparse
import difflib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TEXT_KINDS = {".html", ".xml", ".json", ".js", ".css", ".txt"}


def build(command, label):
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{label} failed:\n{run.stdout}\n{run.stderr}")
    return run.stderr + run.stdout


def files(root):
    """Every file under root, through symbolic links (Zola links `processed_images/`)."""
    found = {}
    for folder, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path
    return found


def visible_text(path):
    """The words a reader (or a feed reader) sees: markup, comments and spacing dropped."""
    text = path.read_text(errors="replace")
    if path.suffix == ".json":
        try:
            return json.dumps(json.loads(text), sort_keys=True, indent=1).splitlines()
        except ValueError:
            pass
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    # Highlighters split a line of code into spans at different places: spans join words.
    text = re.sub(r"</?span\b[^>]*>", "", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "\n", text)
    lines = (" ".join(html.unescape(line).split()) for line in text.splitlines())
    return [line for line in lines if line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--zola", required=True)
    parser.add_argument("--kiln", required=True)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument("--show", type=int, default=5, help="differing files to diff")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="zola-diff-"))
    zola_out, kiln_out = work / "zola", work / "kiln"
    build([args.zola, "--root", str(args.site), "build", "--output-dir", str(zola_out), "--force"], "zola")
    subprocess.run(["rm", "-rf", str(kiln_out)], check=True)
    warnings = build([args.kiln, "build", "--root", str(args.site), "--output-dir", str(kiln_out)], "kiln")

    zola, kiln = files(zola_out), files(kiln_out)
    only_zola = sorted(set(zola) - set(kiln))
    only_kiln = sorted(set(kiln) - set(zola))
    same_bytes, same_text, different = [], [], []
    for rel in sorted(set(zola) & set(kiln)):
        a, b = zola[rel].read_bytes(), kiln[rel].read_bytes()
        if a == b:
            same_bytes.append(rel)
        elif zola[rel].suffix in TEXT_KINDS and visible_text(zola[rel]) == visible_text(kiln[rel]):
            same_text.append(rel)
        else:
            different.append(rel)

    print(f"site: {args.site}   outputs: {work}")
    print(f"files: zola {len(zola)}, kiln {len(kiln)}; both {len(set(zola) & set(kiln))}")
    print(f"  same bytes {len(same_bytes)}, same visible text {len(same_text)}, different {len(different)}")
    for label, names in (("only zola wrote", only_zola), ("only kiln wrote", only_kiln)):
        print(f"{label} ({len(names)}):")
        for name in names[:30]:
            print(f"  {name}")
        if len(names) > 30:
            print(f"  … {len(names) - 30} more")
    print(f"different ({len(different)}):")
    for name in different:
        print(f"  {name}")
    for name in different[: args.show]:
        if zola[name].suffix not in TEXT_KINDS:
            continue
        diff = difflib.unified_diff(
            visible_text(zola[name]), visible_text(kiln[name]), "zola/" + name, "kiln/" + name, n=1, lineterm=""
        )
        print("\n".join(list(diff)[:40]))
    kiln_warnings = [line for line in warnings.splitlines() if line.startswith("warning")]
    if kiln_warnings:
        print(f"kiln warnings ({len(kiln_warnings)}):")
        for line in kiln_warnings:
            print(f"  {line}")


if __name__ == "__main__":
    main()
