"""The natural script's peer (scripts/bench/natural.sh): list the INACTIVE cellular SIMs, then one PATCH per SIM
without reading it first, then its monitor polled every 0.5 s; at most CONCURRENCY requests in flight (the
semaphore is held only around a request, never while sleeping).

Usage: python3 natural_peer.py CONCURRENCY   (reads the CMO_* environment that `cmo sim` prints); prints a summary.
"""
import asyncio
import os
import sys

import aiohttp

API = os.environ["CMO_API_URL"].rstrip("/") + "/" + os.environ["CMO_TENANT"]
CONCURRENCY = int(sys.argv[1])
counts = {"requests": 0}


async def token(session):
    form = {"grant_type": "client_credentials", "client_id": os.environ["CMO_CLIENT_ID"],
            "client_secret": os.environ["CMO_CLIENT_SECRET"], "scope": "openid"}
    async with session.post(os.environ["CMO_AUTH_URL"], data=form) as response:
        response.raise_for_status()
        return (await response.json())["access_token"]


async def request(session, gate, method, path, **kwargs):
    async with gate:
        counts["requests"] += 1
        async with session.request(method, f"{API}/{path}", **kwargs) as response:
            response.raise_for_status()
            return response.status, await response.json()


async def listing(session, gate):
    ids, page = [], 1
    while True:
        path = f"product?fields=id,status,connectivityType&pageNumber={page}&pageSize=100"
        _, answer = await request(session, gate, "GET", path)
        entities = answer["entities"]
        ids += [e["id"] for e in entities if e.get("status") == "INACTIVE" and e.get("connectivityType") == "CELLULAR"]
        if len(entities) < 100:
            return ids
        page += 1


async def activate(session, gate, product_id):
    body = '[{"op":"replace","path":"/status","value":"ACTIVE"}]'
    headers = {"Content-Type": "application/json-patch+json"}
    status, answer = await request(session, gate, "PATCH", f"product/{product_id}-simCard", data=body, headers=headers)
    if status != 202:
        return
    while True:
        await asyncio.sleep(0.5)
        _, monitor = await request(session, gate, "GET", f"monitor/{answer['id']}")
        if monitor["state"] == "Completed":
            return
        if monitor["state"] == "InError":
            raise RuntimeError(f"monitor {answer['id']} InError")


async def main():
    gate = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        session.headers["Authorization"] = "Bearer " + await token(session)
        session.headers["Accept"] = "application/json"
        ids = await listing(session, gate)
        results = await asyncio.gather(*(activate(session, gate, i) for i in ids), return_exceptions=True)
        failed = sum(1 for r in results if isinstance(r, Exception))
        print(f"activated {len(ids) - failed} of {len(ids)}; {failed} failed; requests={counts['requests']}")


asyncio.run(main())
