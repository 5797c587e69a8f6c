#!/usr/bin/python3
"""Fetches a Prometheus text exposition and prints its samples as JSON, parsed by prometheus_client's own parser.

Usage: prometheus-samples.py URL
Output: [{"family": ..., "type": ..., "name": ..., "labels": {...}, "value": ...}, ...]
Used by the tests of `cmo schedule --listen` (Debian python3-prometheus-client); a parse error exits 1.
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=30) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    samples = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.append({
                "family": family.name, "type": family.type, "name": sample.name,
                "labels": sample.labels, "value": sample.value,
            })
    json.dump({"content_type": content_type, "samples": samples}, sys.stdout)


if __name__ == "__main__":
    main()
