#!/usr/bin/env bash
# The tutorial's way, for scripts/bench/fleet.sh: a sequential curl loop over SAMPLE INACTIVE SIMs (GET the
# product, PATCH its status, poll the monitor every 0.5 s). Reads the CMO_* environment; prints "sims=N".
set -euo pipefail
sample=${1:-200}
api="$CMO_API_URL/$CMO_TENANT"
token=$(curl -sf "$CMO_AUTH_URL" -d grant_type=client_credentials -d "client_id=$CMO_CLIENT_ID" \
    -d "client_secret=$CMO_CLIENT_SECRET" -d scope=openid | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
auth=(--header "Authorization: Bearer $token" --header 'Accept: application/json')
ids=()
page=1
while [ ${#ids[@]} -lt "$sample" ]; do
    body=$(curl -sf "${auth[@]}" "$api/product?fields=id,status&pageNumber=$page&pageSize=100")
    case "$body" in *'"entities":[]'*) break ;; esac
    mapfile -t found < <(echo "$body" | grep -o '"id":"[^"]*","status":"INACTIVE"' | sed 's/"id":"\([^"]*\)".*/\1/')
    ids+=("${found[@]}")
    page=$((page + 1))
done
for id in "${ids[@]:0:$sample}"; do
    sub=$(curl -sf "${auth[@]}" "$api/product/$id" | grep -o "\"id\":\"$id-\(simCard\|terminal\)\"" | head -1 | cut -d'"' -f4)
    answer=$(curl -sf "${auth[@]}" --request PATCH --header 'Content-Type: application/json-patch+json' \
        --data '[{"op":"replace","path":"/status","value":"ACTIVE"}]' "$api/product/$sub" -w '\n%{http_code}')
    if [ "$(echo "$answer" | tail -1)" = 202 ]; then
        monitor=$(echo "$answer" | head -1 | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
        until curl -sf "${auth[@]}" "$api/monitor/$monitor" | grep -q '"state":"Completed"'; do sleep 0.5; done
    fi
done
echo "sims=$sample"
