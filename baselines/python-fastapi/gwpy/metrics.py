"""Prometheus counters in prometheus_client multiprocess mode (one mmap file per worker, summed on scrape).

PROMETHEUS_MULTIPROC_DIR must be set before this module is imported (the launcher does it).
CPython exposes no heap-used/heap-total pair comparable to V8/JVM/Go heaps, so no heap
metric is published; the harness measures RSS of the whole process tree from /proc.
"""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

DOWNSTREAM_CX = Counter("gateway_downstream_cx_total", "Client connections accepted")
DOWNSTREAM_RQ = Counter("gateway_downstream_rq_total", "Client requests received")
UPSTREAM_CX = Counter("gateway_upstream_cx_total", "Connections opened to upstreams", ["upstream"])
UPSTREAM_RQ = Counter("gateway_upstream_rq_total", "Requests sent to upstreams", ["upstream"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def render() -> bytes:
    """Scrape: merge every worker's counters (a fresh registry per scrape, as the docs require)."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return generate_latest(registry)
