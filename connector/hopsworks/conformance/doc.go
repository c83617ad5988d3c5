// Package conformance holds no code, only a test: the official Hopsworks
// Python client, installed from PyPI, against hopsql's Hopsworks test
// server (package hopsworkstest). It proves that the test server speaks
// the protocol the way a real client expects it, so that the Go client's
// tests against that server mean something.
//
// For each pinned client release the test starts the test server over the
// demo store (scale 1; bank's feature store shared with fraud), with the
// Flight server on port 5005 because the Python client always connects to
// port 5005 of the host the backend names. It writes the server's CA
// certificate and an API key of fraud_user to files, and runs
// testdata/hopsworks_client.py with the interpreter of a virtual
// environment holding that release. The script logs in with
// hopsworks.login (certificate verification on, against the CA file),
// lists the feature stores fraud can see, gets each by name, gets
// fraud's transactions and bank's customers (version 1) and reads them
// into pandas DataFrames with fg.read(), reads joins of them with
// fg.select([...]).join(fg2.select([...]).filter(...), on=[...],
// join_type=..., prefix=...).filter(...).read(), and writes what it saw
// as JSON.
// The test compares that with the embedded store read straight from its
// files (featuregroup.json and package localtest): stores, features,
// row counts, column names, pandas dtypes (the Arrow types of the
// protocol reference §7 as pyarrow converts them), null counts and sample
// rows. The server's logs show that the rows came over Arrow Flight. The
// joins' rows are compared with those hopsql's Go client reads for the
// same joins from the same server (hopsworks.Client.PlanJoin).
//
// The releases cover both ways a client builds the Flight request
// (protocol reference §5.3):
//
//   - hopsworks 4.6.8 builds the query payload itself (generation C);
//   - hopsworks 4.7.7 asks the backend for it (PUT .../query?hqs=True,
//     generation D), against a server started with Config.HQSPayload.
//
// Each release is installed without extras, only with the pyarrow its
// "python" extra would bring (the Arrow Flight client): fg.read() needs
// nothing else. pandas and numpy are pinned too, since the dtypes depend
// on them.
//
// # Running it
//
//	go test ./connector/hopsworks/conformance/ -v
//
// needs python3 (or $HOPSQL_PYTHON) with the venv module, PyPI, and port
// 5005 of 127.0.0.1 free; it fails, never skips, when one is missing. The
// first run installs the two clients into virtual environments under the
// user cache directory (package pyenv; $HOPSQL_PYENV_DIR moves them),
// which takes a minute or two; later runs reuse them.
//
// To try a client by hand, start the test server and log in to it:
//
//	go run ./connector/hopsworks/hopsworkstest/testserver --demo --flight-port 5005
//	# add --hqs for clients from 4.7 on
//
// prints the REST port, an API key and the path of the CA certificate;
// then, in Python with hopsworks and pyarrow installed and the
// environment variable ENABLE_HOPSWORKS_USAGE=false (the client otherwise
// sends usage statistics to Hopsworks):
//
//	import hopsworks
//	project = hopsworks.login(host="127.0.0.1", port=PORT, project="fraud",
//	    api_key_value=KEY, hostname_verification=True,
//	    trust_store_path=CA, engine="python")
//	fs = project.get_feature_store()
//	df = fs.get_feature_group("transactions", version=1).read()
//
// or run the test's script with a config file as described at its top.
package conformance
