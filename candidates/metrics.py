"""Prometheus metrics (prometheus-client), served at /metrics to a bearer of VETTING_METRICS_TOKEN.

Counters and histograms are updated where things happen (web requests, assessment runs, webhook
deliveries, sweeps). With several processes (gunicorn workers, Celery workers) set
PROMETHEUS_MULTIPROC_DIR to a directory they all share: /metrics then adds up every process.
Gauges of state (queue depth, unfinished work) are read when scraped, from Redis and from the
partial indexes that the sweeps use, so they are right whichever process answers.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from candidates.broker import queue_depths
from candidates.models import Assessment, WebhookEvent

log = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "vetting_http_requests_total", "HTTP requests answered", ["route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "vetting_http_request_duration_seconds", "Time to answer an HTTP request", ["route"]
)
ASSESSMENTS_FINISHED = Counter(
    "vetting_assessments_finished_total",
    "Assessments finished, by outcome and risk level",
    ["status", "level", "trigger"],
)
_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600)
ASSESSMENT_LATENCY = Histogram(
    "vetting_assessment_latency_seconds",
    "From the change that requested an assessment to its completion (queueing included)",
    ["trigger"],
    buckets=_LATENCY_BUCKETS,
)
ASSESSMENT_DURATION = Histogram(
    "vetting_assessment_duration_seconds",
    "One run of the checks and the store, in a worker",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEBHOOK_DELIVERIES = Counter(
    "vetting_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, retry, failed)",
    ["outcome"],
)
SWEEP_REQUEUED = Counter(
    "vetting_sweep_requeued_total",
    "Work the periodic sweeps queued again (lost by the broker, or never queued)",
    ["kind"],
)


class StateCollector(Collector):
    """Gauges read at scrape time: what is waiting, wherever it waits."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        unfinished = GaugeMetricFamily(
            "vetting_assessments_unfinished", "Assessments pending or running", labels=["status"]
        )
        counts = dict(
            Assessment.objects.filter(status__in=("pending", "running"))
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in ("pending", "running"):
            unfinished.add_metric([status], counts.get(status, 0))
        yield unfinished
        webhooks = GaugeMetricFamily(
            "vetting_webhook_events_pending", "Webhook events not yet delivered or given up"
        )
        webhooks.add_metric([], WebhookEvent.objects.filter(status="pending").count())
        yield webhooks
        depth = GaugeMetricFamily(
            "vetting_queue_depth", "Messages waiting in each Celery queue", labels=["queue"]
        )
        for queue, n in (queue_depths() or {}).items():  # none while the broker is down
            depth.add_metric([queue], n)
        yield depth


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(StateCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_view(request: HttpRequest) -> HttpResponse:
    """/metrics for a bearer of VETTING_METRICS_TOKEN; 404 when no token is configured."""
    token = settings.VETTING_METRICS_TOKEN
    if not token:
        return HttpResponse("Not found.", status=404, content_type="text/plain")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(sent.encode(), token.encode()):
        response = HttpResponse("Unauthorized.", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    body = generate_latest(_registry())
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        body += generate_latest(REGISTRY)  # this process's own counters
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every answer by route (the URL pattern, never the raw path: bounded labels)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = "/" + match.route
        elif request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            route = "static"
        else:
            route = "unmatched"
        HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        HTTP_DURATION.labels(route).observe(time.monotonic() - started)
        return response
