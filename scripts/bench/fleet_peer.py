"""The fleet benchmark's peer (scripts/bench/fleet.sh): the same job as fleet_activate.lua, written as an
engineer would with Python asyncio and aiohttp at the same concurrency.

Usage: python3 fleet_peer.py CONCURRENCY   (reads CMO_API_URL, CMO_TENANT, CMO_AUTH_URL, CMO_CLIENT_ID,
CMO_CLIENT_SECRET); prints "requests=N".
"""
import asyncio
import os
import sys

import aiohttp

API = os.environ["CMO_API_URL"].rstrip("/") + "/" + os.environ["CMO_TENANT"]
CONCURRENCY = int(sys.argv[1])
requests = 0


async def token(session):
    global requests
    requests += 1
    form = {"grant_type": "client_credentials", "client_id": os.environ["CMO_CLIENT_ID"],
            "client_secret": os.environ["CMO_CLIENT_SECRET"], "scope": "openid"}
    async with session.post(os.environ["CMO_AUTH_URL"], data=form) as response:
        response.raise_for_status()
        return (await response.json())["access_token"]


async def get(session, path):
    global requests
    requests += 1
    async with session.get(f"{API}/{path}") as response:
        response.raise_for_status()
        return await response.json()


async def status_carrier(session, product_id):
    bundle = await get(session, f"product/{product_id}")
    for relation in bundle.get("productRelationship", []):
        sub = relation.get("product", {})
        if sub.get("id", "").endswith(("-simCard", "-terminal")):
            return sub
    return {"id": product_id + "-simCard", "status": bundle.get("status")}


async def activate(session, product_id, accepted):
    global requests
    sub = await status_carrier(session, product_id)
    if sub.get("status") == "ACTIVE":
        return
    requests += 1
    body = '[{"op":"replace","path":"/status","value":"ACTIVE"}]'
    headers = {"Content-Type": "application/json-patch+json"}
    async with session.patch(f"{API}/product/{sub['id']}", data=body, headers=headers) as response:
        response.raise_for_status()
        answer = await response.json()
        if response.status == 202:
            accepted.append(answer["id"])


async def await_monitor(session, monitor_id):
    delay = 0.5
    while True:
        monitor = await get(session, f"monitor/{monitor_id}")
        if monitor["state"] == "Completed":
            return
        if monitor["state"] == "InError":
            raise RuntimeError(f"monitor {monitor_id} InError")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 5.0)


async def bounded(items, work):
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one(item):
        async with semaphore:
            await work(item)

    await asyncio.gather(*(one(item) for item in items))


async def main():
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        session.headers["Authorization"] = "Bearer " + await token(session)
        session.headers["Accept"] = "application/json"
        inactive, page = [], 1
        while True:
            entities = (await get(session, f"product?fields=id,status&pageNumber={page}&pageSize=100"))["entities"]
            inactive += [e["id"] for e in entities if e.get("status") == "INACTIVE"]
            if len(entities) < 100:
                break
            page += 1
        accepted = []
        await bounded(inactive, lambda product_id: activate(session, product_id, accepted))
        await bounded(accepted, lambda monitor_id: await_monitor(session, monitor_id))
    print(f"requests={requests} activated={len(inactive)}")


asyncio.run(main())
