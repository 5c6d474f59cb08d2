#!/usr/bin/env python3
"""Regenerates src/__fixtures__/dvc-lock-cases.json: dvc.lock texts as DVC writes them.

Each case gives params files (YAML text, loaded with ruamel's safe loader as DVC loads params),
a dvc.yaml, the hashes of deps/outs, and the expected dvc.lock text. The lock dict is built
the way dvc/stage/serialize.py `to_single_stage_lockfile` builds it (cmd, deps, params, outs;
deps/outs sorted by path; params.yaml first, then files and first-level keys sorted), and
dumped with DVC's dumper (ruamel round-trip `YAML()`, default_flow_style False).
Needs Debian's python3-ruamel.yaml 0.17.x:
  /usr/bin/python3 scripts/gen-lock-cases.py > src/__fixtures__/dvc-lock-cases.json
"""
import json
import sys
from collections import OrderedDict
from pathlib import Path

from ruamel.yaml import YAML

# DVC's dumper settings live in core-io's generator; one copy of them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core-io" / "scripts"))
from importlib import import_module  # noqa: E402

dvc_dump = import_module("gen-dvc-yaml-cases").dvc_dump


def safe_load(text):
    return YAML(typ="safe").load(text)


def dpath_get(data, key):
    for part in key.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        else:
            data = data[part]
    return data


def entry(path, h):
    d = OrderedDict([("path", path)])
    if h.get("legacy"):
        d["md5"] = h["md5"]
    else:
        d["hash"] = "md5"
        d["md5"] = h["md5"]
    for k in ("size", "nfiles"):
        if k in h:
            d[k] = h[k]
    if h.get("isexec"):
        d["isexec"] = True
    return d


def lock_stage(case, stage):
    files = case["files"]
    res = OrderedDict([("cmd", stage["cmd"])])
    deps = sorted(stage.get("deps", []))
    if deps:
        res["deps"] = [entry(p, case["hashes"][p]) for p in deps]
    params = OrderedDict()
    for file, keys in sorted(stage.get("params", {}).items()):
        data = safe_load(files[file]) or {}
        vals = data if not keys else {k: dpath_get(data, k) for k in keys}
        params[file] = OrderedDict((k, vals[k]) for k in sorted(vals))
        if file == "params.yaml":
            params.move_to_end(file, last=False)
    if params:
        res["params"] = params
    outs = sorted(stage.get("outs", []))
    if outs:
        res["outs"] = [entry(p, case["hashes"][p]) for p in outs]
    return res


CASES = [
    {
        "name": "params of two files, floats, lists, nested keys (dvc tests/func/test_lockfile.py test_params_dump)",
        "files": {
            "params.yaml": "name: Answer\nanswer: 42\nfloats: 42.0\nlists: [42, 42.0, '42']\nnested:\n  nested1:\n    nested2: '42'\n    nested2-2: 41.99999\n",
            "params2.yaml": "name: Answer\nanswer: 42\nfloats: 42.0\nlists: [42, 42.0, '42']\nnested:\n  nested1:\n    nested2: '42'\n    nested2-2: 41.99999\n",
        },
        "dvcyaml": "stages:\n  copy-first-line:\n    cmd: head -n 1 foo > foobar\n    deps:\n    - foo\n    - bar\n    params:\n    - params2.yaml:\n      - answer\n      - lists\n      - name\n    - lists\n    - floats\n    - nested.nested1\n    - nested.nested1.nested2\n    outs:\n    - foobar\n",
        "stages": {
            "copy-first-line": {
                "cmd": "head -n 1 foo > foobar",
                "deps": ["foo", "bar"],
                "params": {
                    "params2.yaml": ["answer", "lists", "name"],
                    "params.yaml": ["lists", "floats", "nested.nested1", "nested.nested1.nested2"],
                },
                "outs": ["foobar"],
            }
        },
        "hashes": {
            "foo": {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "size": 3},
            "bar": {"md5": "37b51d194a7513e45b56f6524f2d51f2", "size": 3},
            "foobar": {"md5": "3858f62230ac3c915f300c664312c63f", "size": 6},
        },
    },
    {
        "name": "small floats, booleans, a whole params file, a directory out, a long folded command",
        "files": {
            "params.yaml": "train:\n  lr: 1.0e-05\n  momentum: 0.9\n  epochs: 10\n  use_gpu: true\n  name: 'yes'\n  big: 1.0e+20\n  tiny: 0.0001\nseed: 20170428\nsplit: 0.2\n",
            "config/eval.yaml": "threshold: 0.5\nmetric: f1\n",
        },
        "dvcyaml": "stages:\n  train:\n    cmd: python train.py --epochs 10 --batch-size 32 --learning-rate 0.001 --some-really-long-option value\n    deps:\n    - data/prepared\n    - train.py\n    params:\n    - train\n    - seed\n    - split\n    - config/eval.yaml:\n    outs:\n    - models\n    metrics:\n    - metrics.json:\n        cache: false\n",
        "stages": {
            "train": {
                "cmd": "python train.py --epochs 10 --batch-size 32 --learning-rate 0.001 --some-really-long-option value",
                "deps": ["data/prepared", "train.py"],
                "params": {"params.yaml": ["train", "seed", "split"], "config/eval.yaml": []},
                "outs": ["models", "metrics.json"],
            }
        },
        "hashes": {
            "data/prepared": {"md5": "a347257a96b0f993ee56b347efbf4a59.dir", "size": 6, "nfiles": 3},
            "train.py": {"md5": "b1946ac92492d2347c6235b4d2611184", "size": 6, "isexec": True},
            "models": {"md5": "5ea40360f5b4ec688df672a4db9c17d1.dir", "size": 6, "nfiles": 2},
            "metrics.json": {"md5": "d41d8cd98f00b204e9800998ecf8427e", "size": 0},
        },
    },
    {
        "name": "a list cmd, a legacy (DVC 2) dep, and stages in written order",
        "files": {},
        "dvcyaml": "stages:\n  b:\n    cmd:\n    - echo one\n    - echo two\n    deps:\n    - 'x: y.txt'\n    outs:\n    - out-b\n  a:\n    cmd: echo a\n    deps:\n    - old.txt\n",
        "stages": {
            "b": {"cmd": ["echo one", "echo two"], "deps": ["x: y.txt"], "outs": ["out-b"]},
            "a": {"cmd": "echo a", "deps": ["old.txt"]},
        },
        "hashes": {
            "x: y.txt": {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "size": 3},
            "out-b": {"md5": "37b51d194a7513e45b56f6524f2d51f2", "size": 3},
            "old.txt": {"md5": "c32b2057b9bd62caa835386346177935", "size": 7, "legacy": True},
        },
    },
]


def main():
    out = []
    for case in CASES:
        stages = OrderedDict((name, lock_stage(case, s)) for name, s in case["stages"].items())
        lock = OrderedDict([("schema", "2.0"), ("stages", stages)])
        out.append(
            {
                "name": case["name"],
                "files": case["files"],
                "dvcyaml": case["dvcyaml"],
                "hashes": case["hashes"],
                "lock": dvc_dump(lock),
            }
        )
    print(json.dumps(out, indent=1, ensure_ascii=False))


main()
