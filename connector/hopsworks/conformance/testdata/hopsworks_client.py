"""Drives the official Hopsworks Python client against a Hopsworks server.

Run by conformance_test.go with the interpreter of a virtual environment
that holds a pinned `hopsworks` release:

    python hopsworks_client.py CONFIG.json

CONFIG.json names the server and what to read:

    {"host": "127.0.0.1", "port": 8181, "project": "fraud",
     "api_key_file": "...", "trust_store_path": "ca.pem",
     "output": "result.json",
     "reads": [{"store": "fraud", "name": "transactions", "version": 1,
                "key": "tx_id", "sample": [1, 2, 3]}]}

The script logs in with hopsworks.login (certificate verification on,
against trust_store_path), lists the feature stores the project can see,
gets each of them by name, gets and reads every feature group of "reads"
into a pandas DataFrame with fg.read(), and writes what it saw to
"output" as JSON. It checks nothing itself: the Go test compares the
result with the embedded store. The API key is read from a file and is
never printed.
"""

import datetime
import decimal
import json
import math
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
