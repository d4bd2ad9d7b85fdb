#!/usr/bin/env python3
"""Compare two ness summary.json files value by value.

Usage: compare_summary.py A.json B.json [--rtol 1e-8] [--atol 1e-14] [--ignore key1,key2]
                                        [--no-default-ignore] [--quiet]

Numbers match when |a - b| <= atol or |a - b| <= rtol * max(|a|, |b|) (NaN matches NaN, infinities
must be equal); strings, booleans and null must be equal; lists must have the same length; objects
must have the same keys. Keys named in the ignore list are skipped wherever they appear, together
with everything below them. By default the solver-path dependent keys
ranks, timing_s, iterations, residual_norm, converged_reason are ignored; --ignore adds to that list
(shell-style patterns such as 'timing*' are allowed), --no-default-ignore starts from an empty list.

Every mismatch is printed with its JSON path; the last line is
  compare: N values checked, M mismatches
Exit status: 0 if all values match, 1 on any mismatch, 2 on usage errors or unreadable files.
"""

import argparse
import fnmatch
import json
import math
import re
import sys

DEFAULT_IGNORE = ("ranks", "timing_s", "iterations", "residual_norm", "converged_reason", "absolute_error", "relative_error", "residual_norms_by_field", "continuation", "interrupted")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def child_path(path, key):
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    if _IDENT.match(key):
        return "%s.%s" % (path, key)
    return "%s[%s]" % (path, json.dumps(key))


def fmt(value):
    if isinstance(value, (dict, list)):
        text = json.dumps(value, sort_keys=True)
        return text if len(text) <= 80 else text[:77] + "..."
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value)


def kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class Comparer:
    def __init__(self, rtol, atol, ignore, out=sys.stdout):
        self.rtol = rtol
        self.atol = atol
        self.ignore = list(ignore)
        self.out = out
        self.checked = 0
        self.mismatches = 0

    def ignored(self, key):
        return any(fnmatch.fnmatchcase(key, pat) for pat in self.ignore)

    def mismatch(self, path, message):
        self.mismatches += 1
        if self.out is not None:
            print("mismatch %s: %s" % (path, message), file=self.out)

    def numbers_close(self, a, b):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        diff = abs(a - b)
        return diff <= self.atol or diff <= self.rtol * max(abs(a), abs(b))

    def compare(self, a, b, path="$"):
        ka, kb = kind(a), kind(b)
        if ka != kb:
            self.checked += 1
            self.mismatch(path, "type %s vs %s: %s vs %s" % (ka, kb, fmt(a), fmt(b)))
            return
        if ka == "object":
            for key in list(a) + [k for k in b if k not in a]:
                if self.ignored(key):
                    continue
                sub = child_path(path, key)
                if key not in b:
                    self.checked += 1
                    self.mismatch(sub, "only in A: %s" % fmt(a[key]))
                elif key not in a:
                    self.checked += 1
                    self.mismatch(sub, "only in B: %s" % fmt(b[key]))
                else:
                    self.compare(a[key], b[key], sub)
        elif ka == "list":
            if len(a) != len(b):
                self.checked += 1
                self.mismatch(path, "list length %d vs %d" % (len(a), len(b)))
            for i, (x, y) in enumerate(zip(a, b)):
                self.compare(x, y, child_path(path, i))
        elif ka == "number":
            self.checked += 1
            if not self.numbers_close(a, b):
                diff = abs(float(a) - float(b))
                scale = max(abs(float(a)), abs(float(b)))
                rel = diff / scale if scale > 0 and math.isfinite(diff) else float("nan")
                self.mismatch(path, "%s vs %s (abs diff %.3g, rel diff %.3g)" % (fmt(a), fmt(b), diff, rel))
        else:  # string, bool, null
            self.checked += 1
            if a != b:
                self.mismatch(path, "%s vs %s" % (fmt(a), fmt(b)))


def load(path):
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Recursively compare two ness summary.json files.")
    ap.add_argument("a", metavar="A.json")
    ap.add_argument("b", metavar="B.json")
    ap.add_argument("--rtol", type=float, default=1e-8, help="relative tolerance, relative to max(|a|,|b|) (default 1e-8)")
    ap.add_argument("--atol", type=float, default=1e-14, help="absolute tolerance (default 1e-14)")
    ap.add_argument("--ignore", action="append", default=[], metavar="KEY[,KEY...]",
                    help="comma-separated keys (or shell patterns) to skip with everything below them; "
                         "added to the defaults %s; may be repeated" % ",".join(DEFAULT_IGNORE))
    ap.add_argument("--no-default-ignore", action="store_true", help="do not ignore the default keys")
    ap.add_argument("--quiet", "-q", action="store_true", help="print only the final line")
    args = ap.parse_args(argv)  # exits 2 on usage errors

    if args.rtol < 0 or args.atol < 0 or math.isnan(args.rtol) or math.isnan(args.atol):
        ap.error("--rtol and --atol must be non-negative numbers")

    ignore = [] if args.no_default_ignore else list(DEFAULT_IGNORE)
    for item in args.ignore:
        ignore.extend(k.strip() for k in item.split(",") if k.strip())

    docs = []
    for path in (args.a, args.b):
        try:
            docs.append(load(path))
        except OSError as exc:
            print("compare: error: cannot read %s: %s" % (path, exc.strerror or exc), file=sys.stderr)
            return 2
        except ValueError as exc:
            print("compare: error: %s is not valid JSON: %s" % (path, exc), file=sys.stderr)
            return 2

    cmp = Comparer(args.rtol, args.atol, ignore, out=None if args.quiet else sys.stdout)
    cmp.compare(docs[0], docs[1])
    print("compare: %d values checked, %d mismatches" % (cmp.checked, cmp.mismatches))
    return 1 if cmp.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
