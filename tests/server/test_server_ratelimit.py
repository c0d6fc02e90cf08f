"""Rate limits in cost units: a request costs more the larger its body, per credential and
per tenant, in memory and through Redis; a sane default (issue 13: it was 600,000 a minute)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from aimds.server.ratelimit import (
    MemoryRateLimiter,
    RateLimits,
    RedisRateLimiter,
    request_cost,
)
from aimds.server.settings import ServerSettings


def test_a_request_costs_one_unit_plus_one_per_cost_bytes() -> None:
    assert request_cost(0, 16_384) == 1
    assert request_cost(16_383, 16_384) == 1
    assert request_cost(1_048_576, 16_384) == 65


def test_the_default_limit_is_sane() -> None:
    settings = ServerSettings()
    assert settings.rate_limit_per_minute <= 10_000
    assert 0 < settings.tenant_rate_limit_per_minute <= 100_000
    assert settings.rate_limit_per_minute // request_cost(1_048_576, settings.rate_cost_bytes) < 100


def _limits(per_credential: int, per_tenant: int) -> RateLimits:
    clock = lambda: 120.0  # noqa: E731 - one fixed window
    return RateLimits(MemoryRateLimiter(per_credential, clock=clock),
                      MemoryRateLimiter(per_tenant, clock=clock), cost_bytes=1000)


def test_large_bodies_use_up_the_limit_faster() -> None:
    limits = _limits(100, 10_000)
    assert limits.admit("k1", "acme", 49_000) is None  # 50 units
    assert limits.admit("k1", "acme", 49_000) is None  # 100
    assert limits.admit("k1", "acme", 0) is not None  # 101: refused
    assert limits.admit("k2", "acme", 0) is None  # another credential has its own


def test_a_tenants_credentials_share_the_tenant_limit() -> None:
    limits = _limits(100, 150)
    assert limits.admit("k1", "acme", 99_000) is None  # 100 units of acme's 150
    assert limits.admit("k2", "acme", 49_000) is None  # 150
    assert limits.admit("k3", "acme", 0) is not None  # acme is out
    assert limits.admit("k4", "globex", 0) is None


def test_one_request_larger_than_the_limit_still_fits_alone() -> None:
    limits = _limits(10, 1000)
    assert limits.admit("k", "acme", 1_000_000) is None
    assert limits.admit("k", "acme", 0) is not None


@pytest.mark.redis
def test_redis_counts_units_across_processes(redis_client: Any) -> None:
    prefix = "aimds-rl-" + uuid.uuid4().hex[:8]
    one = RedisRateLimiter(redis_client, 100, prefix=prefix, clock=lambda: 120.0)
    two = RedisRateLimiter(redis_client, 100, prefix=prefix, clock=lambda: 120.0)
    assert one.hit("k", 60) is None
    assert two.hit("k", 40) is None
    assert two.hit("k", 1) is not None


def test_the_service_charges_by_body_size(tmp_path: Path, service_factory: Any) -> None:
    svc = service_factory(ServerSettings(data_dir=tmp_path, rate_limit_per_minute=20,
                                         rate_cost_bytes=1024))
    big = {"text": "x" * 10_000}  # a body of about 10 KB: 10 units
    codes = [svc.client.post("/v1/detect", json=big, headers=svc.h("agent")).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    assert svc.client.post("/v1/detect", json={"text": "x"},
                           headers=svc.h("agent2")).status_code == 200


@pytest.mark.redis
def test_redis_limits_check_credential_and_tenant_in_one_round_trip(redis_client: Any) -> None:
    prefix = "aimds-rl-" + uuid.uuid4().hex[:8]
    limits = RateLimits(RedisRateLimiter(redis_client, 100, prefix=prefix, clock=lambda: 120.0),
                        RedisRateLimiter(redis_client, 150, prefix=prefix, clock=lambda: 120.0),
                        cost_bytes=1000)
    calls = redis_client.info("commandstats").get("cmdstat_eval", {}).get("calls", 0)
    assert limits.admit("k1", "acme", 99_000) is None  # 100 of k1's 100, of acme's 150
    after = redis_client.info("commandstats")["cmdstat_eval"]["calls"]
    assert after - calls == 1  # one script call for both windows
    for _ in range(5):
        assert limits.admit("k1", "acme", 0) is not None  # k1 is out...
    assert limits.admit("k2", "acme", 48_000) is None  # ...without using acme's budget: 149
    assert limits.admit("k2", "acme", 1_000) is not None  # 151 > 150
    assert limits.admit("k3", "globex", 0) is None
