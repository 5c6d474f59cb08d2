#!/usr/bin/env python3
"""Regenerates src/__fixtures__/dvc-yaml-cases.json: what DVC's YAML dumper writes for each case.

The dumper is configured as DVC 3 configures it (dvc/utils/serialize/_yaml.py: ruamel.yaml
round-trip `YAML()`, `default_flow_style = False`). Needs ruamel.yaml 0.17.x, e.g. Debian's
python3-ruamel.yaml:  /usr/bin/python3 scripts/gen-dvc-yaml-cases.py > src/__fixtures__/dvc-yaml-cases.json
Values must be JSON-representable and avoid integral floats (JavaScript cannot tell 1.0 from 1).
"""
import io
import json
import sys
from collections import OrderedDict

from ruamel.yaml import YAML


def dvc_dump(value):
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.Representer.add_representer(OrderedDict, yaml.Representer.represent_dict)
    stream = io.StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()


SCALARS = [
    "2.0", "1.0", "1e10", "1E10", "0x1f", "0o17", "1_000", "007", "+1", "-1", "0", "00",
    "0b101", "0xZZ", "1.2.3", "1e", ".5", "5.", "+.5", "-.5", "1__0", "_1", "1_", "0o", "1:30",
    "true", "True", "TRUE", "tRUE", "false", "null", "Null", "NULL", "nULL", "~", ".inf", "-.inf",
    "+.inf", ".Inf", ".nan", ".NaN", "nan", "inf", "2023-01-01", "2023-1-1 10:00:00",
    "2023-01-01T10:00:00Z", "2023-01-01 10:00:00.5 +01:00", "20230101", "",
    "-", "--", "@x", "!x", "*star", "&anchor", "#hash", "{x}", "[x]", "|", ">", "?", "?x", ":",
    ":x", "x:", "x::y", "x: y", "a #b", "a#b", " lead", "trail ", "  ", "yes", "no", "on", "off",
    "Yes", "y", "n", "12:30", "x,y", "x[0]", "a{b}", "-dash", "- dash", "-\tdash", "é", "日本語",
    "😀", "a😀b", "line1\nline2", "tab\there", "it's", "it's: x", "'q'", '"dq"', 'say "hi"',
    "back\\slash", "%pct", "`tick", "---", "...", "--- x", "...x", "a---", "=", "<<", "<", "a b",
    "a  b", "café au lait", "\x7f", "\x00", "\x01", "\x1b", "\x85", "\u2028", "\u2029", "\ufeffbom",
    "\xa0nbsp", "a\xa0b", "a\r\nb", "a\rb", "ends with colon:", "url://x", "C:\\path", "trailing\n",
    "\nleading", "two\n\nbreaks", "sp \nbreak", "break\n sp", "mixed 'quote\" both", "\ue000",
    "\ufffe", "\uffff", "path/to/file.csv", "remote://workspace/foo", "s3://bucket/key",
    "5ea40360f5b4ec688df672a4db9c17d1.dir", "acbd18db4cc2f85cedef654fccc4a4d8",
    "1234567890", "12345678901234567890123456789012", "python train.py --lr 0.1",
]

LONG = [
    "python train.py --epochs 10 --batch-size 32 --learning-rate 0.001 --some-really-long-option value",
    "word " * 30,
    "w" * 120,
    "a b " + "x" * 100 + " c d",
    " leading space then a long enough text to need folding past the eighty column limit of ruamel",
    "it's a long text with an apostrophe that goes well beyond the eighty column folding limit yes",
    "a long text with a newline\nthat goes well beyond the eighty column folding limit of the emitter, " * 2,
    "double  spaces  everywhere  in  this  long  text  so  that  folding  never  happens  at  all  ok",
    "trailing space long text that goes well beyond the eighty column folding limit of the emitter ",
    "tab\tin a long text that goes well beyond the eighty column folding limit of the emitter, yes!",
    "key: value long text that goes well beyond the eighty column folding limit of the emitter, yes!",
    "exactly " + "x" * 72 + " end",
    "x" * 79 + " y",
    "x" * 80 + " y",
    "x" * 81 + " y",
    "x" * 78 + " y z",
    "日本語 " * 30,
]


def cases():
    out = []
    for i, s in enumerate(SCALARS):
        out.append((f"scalar#{i} as value", OrderedDict([("v", s)])))
        out.append((f"scalar#{i} as key", OrderedDict([(s, "x")])))
        out.append((f"scalar#{i} in list", [s]))
        out.append((f"scalar#{i} nested", OrderedDict([("a", OrderedDict([("b", [s])]))])))
    for i, s in enumerate(LONG):
        out.append((f"long#{i} top", OrderedDict([("cmd", s)])))
        out.append((f"long#{i} nested", OrderedDict([("stages", OrderedDict([("train", OrderedDict([("cmd", s)]))]))])))
        out.append((f"long#{i} in list", OrderedDict([("cmd", [s, "short"])])))
        out.append((f"long#{i} deep list", [[s], OrderedDict([("k", [s])])]))
        out.append((f"long#{i} as key", OrderedDict([(s, 1)])))
    numbers = [0, 1, -1, 42, 1.5, -2.25, 0.1, 1e-05, 1.5e-07, 0.0001, 1.5e300, -1e-300,
               9007199254740991, -9007199254740991, 3.141592653589793, 0.5, 2.5e-05, 123456.789]
    out.append(("numbers", OrderedDict([(f"n{i}", n) for i, n in enumerate(numbers)])))
    out.append(("numbers in list", numbers))
    out.append(("bools and nulls", OrderedDict([("t", True), ("f", False), ("n", None), ("l", [None, True, None])])))
    out.append(("empty containers", OrderedDict([("m", {}), ("l", []), ("ml", [{}, []]), ("nested", OrderedDict([("m", {}), ("l", [])]))])))
    out.append(("empty map root", {}))
    out.append(("empty list root", []))
    out.append(("list root", ["a", 1, None, {"k": "v"}, ["x", "y"], [], {}]))
    out.append(("list of lists", [[["deep"]], [[], ["x"]]]))
    out.append(("list of maps", OrderedDict([("outs", [OrderedDict([("md5", "acbd18db4cc2f85cedef654fccc4a4d8"), ("size", 3), ("path", "foo")]), OrderedDict([("path", "bar"), ("cache", False)])])])))
    out.append(("map in map in list", OrderedDict([("outs", [OrderedDict([("model.pkl", OrderedDict([("cache", False), ("persist", True)]))])])])))
    out.append(("map with list of maps of lists", OrderedDict([("a", [OrderedDict([("b", [OrderedDict([("c", [1, 2])])])])])])))
    out.append(("seq in seq in map", OrderedDict([("m", [[1, 2], [3, [4, 5]]])])))
    out.append(("null values", OrderedDict([("params.yaml", None), ("x", OrderedDict([("y", None)])), ("z", [None])])))
    out.append(("list with null then map", [None, OrderedDict([("a", None)])]))
    long_key = "a key that is long " * 8
    out.append(("long key scalar value", OrderedDict([(long_key, "v")])))
    out.append(("long key map value", OrderedDict([(long_key, OrderedDict([("a", 1), ("b", [1, 2])]))])))
    out.append(("long key list value", OrderedDict([(long_key, ["x", OrderedDict([("y", 2)])]), ("after", None)])))
    out.append(("long key in list", [OrderedDict([(long_key, None)])]))
    out.append(("multiline key", OrderedDict([("a\nb", "v"), ("c", "d")])))
    for i, s in enumerate(["foo", "", "1.0", "it's", "a\nb", "x" * 100 + " y"]):
        out.append((f"root scalar#{i}", s))
    out.append(("root number", 1.5))
    out.append(("root null", None))
    out.append(("root bool", True))
    out.append(("unicode keys", OrderedDict([("ключ", "значение"), ("clé", "é")])))
    return out


def main():
    result = [{"name": name, "value": value, "yaml": dvc_dump(value)} for name, value in cases()]
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
