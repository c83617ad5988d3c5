"""Drives the official Hopsworks Python client against a Hopsworks server.

Run by conformance_test.go with the interpreter of a virtual environment
that holds a pinned `hopsworks` release:

    python hopsworks_client.py CONFIG.json

CONFIG.json names the server and what to read:

    {"host": "127.0.0.1", "port": 8181, "project": "fraud",
     "api_key_file": "...", "trust_store_path": "ca.pem",
     "output": "result.json",
     "reads": [{"store": "fraud", "name": "transactions", "version": 1,
                "key": "tx_id", "sample": [1, 2, 3]}],
     "joins": [{"left": {"store": "fraud", "name": "transactions", "version": 1,
                         "features": ["tx_id", "amount"],
                         "filter": {"feature": "amount", "op": ">", "value": 500}},
                "right": {"store": "bank", "name": "customers", "version": 1,
                          "features": ["customer_id", "name"], "filter": null},
                "on": ["customer_id"], "join_type": "inner", "prefix": "c_"}]}

The script logs in with hopsworks.login (certificate verification on,
against trust_store_path), lists the feature stores the project can see,
gets each of them by name, gets and reads every feature group of "reads"
into a pandas DataFrame with fg.read(), reads every join of "joins" with
fg.select([...]).join(fg2.select([...]).filter(...), on=[...],
join_type=..., prefix=...).filter(...).read(), and writes what it saw to
"output" as JSON. It checks nothing itself: the Go test compares the
result with the embedded store. The API key is read from a file and is
never printed.
"""

import datetime
import decimal
import json
import math
import operator
import sys
import traceback
import warnings

import numpy as np
import pandas as pd


def encode(value):
    """Turns a DataFrame cell into a JSON value; missing values are null."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (pd.Timestamp, datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def store_json(fs):
    return {"name": fs.name, "id": fs.id, "project_name": fs.project_name}


def read_feature_group(project, spec):
    fs = project.get_feature_store(name=spec["store"])
    fg = fs.get_feature_group(spec["name"], version=spec["version"])
    out = {
        "store": store_json(fs),
        "name": fg.name,
        "version": fg.version,
        "id": fg.id,
        "event_time": fg.event_time,
        "features": [
            {"name": f.name, "type": f.type, "primary": bool(f.primary)}
            for f in fg.features
        ],
    }
    df = fg.read()
    out["rows"] = int(len(df))
    out["columns"] = [str(c) for c in df.columns]
    out["dtypes"] = {str(c): str(t) for c, t in df.dtypes.items()}
    out["nulls"] = {str(c): int(df[c].isna().sum()) for c in df.columns}
    sample = df[df[spec["key"]].isin(spec["sample"])]
    out["sample"] = [
        {str(c): encode(v) for c, v in row.items()}
        for row in sample.to_dict(orient="records")
    ]
    return out


# The comparisons a join's filter may use.
OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
}


def select(project, side):
    """Returns the query of a side's features and its filter, if any."""
    fs = project.get_feature_store(name=side["store"])
    fg = fs.get_feature_group(side["name"], version=side["version"])
    f = side.get("filter")
    condition = None
    if f:
        condition = OPERATORS[f["op"]](fg.get_feature(f["feature"]), f["value"])
    return fg.select(side["features"]), condition


def read_join(project, spec):
    """Reads fg.select([...]).join(fg2.select([...]).filter(...), ...)
    .filter(...): the left side's filter applies to the joined query, the
    right side's to the sub-query."""
    left, left_filter = select(project, spec["left"])
    right, right_filter = select(project, spec["right"])
    if right_filter is not None:
        right = right.filter(right_filter)
    query = left.join(
        right, on=spec["on"], join_type=spec["join_type"], prefix=spec["prefix"]
    )
    if left_filter is not None:
        query = query.filter(left_filter)
    df = query.read()
    return {
        "columns": [str(c) for c in df.columns],
        "rows": [[encode(v) for v in row] for row in df.itertuples(index=False)],
    }


def run(config):
    import hopsworks
    from hopsworks_common import client

    result = {"client_version": hopsworks.__version__}
    project = hopsworks.login(
        host=config["host"],
        port=config["port"],
        project=config["project"],
        api_key_file=config["api_key_file"],
        hostname_verification=True,
        trust_store_path=config["trust_store_path"],
        engine="python",
    )
    try:
        result["project"] = {"name": project.name, "id": project.id}
        rest = client.get_instance()
        versions = rest._send_request("GET", ["variables", "versions"])
        result["backend_version"] = next(
            (v["version"] for v in versions if v.get("software") == "hopsworks"), None
        )
        # The client has no call that lists the feature stores of a
        # project; its REST client sends the listing request itself.
        listed = rest._send_request(
            "GET", ["project", rest._project_id, "featurestores"]
        )
        result["listed_stores"] = [
            {
                "featurestore_name": s["featurestoreName"],
                "project_name": s["projectName"],
                "id": s["featurestoreId"],
            }
            for s in listed
        ]
        result["stores"] = [store_json(project.get_feature_store())]
        for s in listed:
            result["stores"].append(
                store_json(project.get_feature_store(name=s["projectName"]))
            )
        result["reads"] = [read_feature_group(project, r) for r in config["reads"]]
        result["joins"] = [read_join(project, j) for j in config.get("joins", [])]
    finally:
        hopsworks.logout()
    return result


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = run(config)
        except Exception:
            result = {"error": traceback.format_exc()}
    result["warnings"] = [
        f"{w.category.__name__}: {str(w.message).strip()}" for w in caught
    ]
    with open(config["output"], "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
