#!/bin/sh
# examples.c: installs m2mauth into a temporary prefix, builds examples/c against it twice (CMake's
# find_package and pkg-config through its Makefile), and runs every program against the loopback
# servers: the client assertion, an OAuth 2.0 API call, and senhasegura credential reads with each
# of the three methods. Usage: run_c_examples.sh <source dir> <build dir>
set -eu
src=$1 build=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/m2mauth-examples.XXXXXX")
state="$work/servers.json"
cleanup() {
  python3 "$src/tests/servers/harness.py" down --state "$state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }

# No LD_LIBRARY_PATH: CMake records the library's directory from find_package, and the Makefile adds an
# RPATH for a prefix outside /usr/lib (README, "Building and installing").
echo "== find_package(m2mauth)"
cmake -S "$src/examples/c" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
echo "== pkg-config m2mauth"
cp -r "$src/examples/c" "$work/make"
PKG_CONFIG_PATH="$(dirname "$(find "$work/prefix" -name m2mauth.pc | head -n 1)")" make -s -C "$work/make" >/dev/null

echo "== client_assertion (both builds)"
"$work/cmake/client_assertion" svc.example https://as.example.com/token | grep -q '^4. verified'
"$work/make/client_assertion" | grep -q '^4. verified'

echo "== token_server_retry (both builds: the test double in an installed library)"
"$work/cmake/token_server_retry" | grep -q '^ok: '
"$work/make/token_server_retry" | grep -q '^ok: '

python3 "$src/tests/servers/harness.py" up --state "$state" fault a2a >"$work/harness.log" 2>&1 || { cat "$work/harness.log"; exit 1; }
python3 - "$state" "$src/tests/servers/clients.json" "$work" <<'PY'
import json, sys
servers = json.load(open(sys.argv[1]))["servers"]
clients = json.load(open(sys.argv[2]))
work = sys.argv[3]
fault, a2a = servers["fault"], servers["a2a"]
secret = clients["oauth2"]["clients"]["svc-basic"]["client_secret"]
open(f"{work}/svc-secret", "w").write(secret + "\n")
json.dump({"oauth2": {"token_url": fault["token_endpoint"], "client_id": "svc-basic",
                      "client_secret_file": f"{work}/svc-secret"}}, open(f"{work}/oauth2.json", "w"))
open(f"{work}/api_url", "w").write(fault["api_url"] + "/v1/accounts")
o1, o2 = clients["a2a"]["oauth1"][0], clients["a2a"]["oauth2"][1]
for name, section in {
    "oauth2": {"auth_method": "oauth2", "client_id": o2["client_id"], "client_secret": o2["client_secret"]},
    "oauth1": {"auth_method": "oauth1", "consumer_key": o1["consumer_key"], "consumer_secret": o1["consumer_secret"],
               "token": o1["token"], "token_secret": o1["token_secret"]},
    "query": {"auth_method": "query", "consumer_key": o1["consumer_key"], "token": o1["token"]},
}.items():
    section["base_url"] = a2a["url"]
    json.dump({"senhasegura": section}, open(f"{work}/a2a-{name}.json", "w"))
PY

echo "== oauth2_request"
out=$(M2MAUTH_CONFIG="$work/oauth2.json" "$work/cmake/oauth2_request" "$(cat "$work/api_url")" 3)
echo "$out"
[ "$(echo "$out" | grep -c 'HTTP 200')" = 3 ] || { echo "expected three HTTP 200"; exit 1; }
echo "$out" | grep -q 'event\] fetched'
if echo "$out" | grep -q "$(cat "$work/svc-secret")"; then echo "the client secret was printed"; exit 1; fi

for method in oauth2 oauth1 query; do
  echo "== senhasegura_credential ($method)"
  out=$(M2MAUTH_CONFIG="$work/a2a-$method.json" "$work/make/senhasegura_credential" 5)
  echo "$out"
  echo "$out" | grep -q 'credential_5@destktop-91.com, password of 11 bytes'
  if echo "$out" | grep -q 'secret@2504'; then echo "the password was printed"; exit 1; fi
done
echo "examples.c: ok"
