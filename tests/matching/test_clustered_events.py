"""The other generator's events: valid, reproducible, and shaped unlike `generate`'s."""

import json
from collections import Counter

from matching import Role, check, parse_instance, solve
from matching.clustered import clustered
from matching.instance_file import instance_to_dict


def test_the_event_is_valid_reproducible_and_has_what_was_asked() -> None:
    event = clustered(60, 150, 2, 14, seed=3, requests=1_500, fixed=10, daily_cap=6)
    assert parse_instance(json.loads(json.dumps(instance_to_dict(event)))) == event
    assert clustered(60, 150, 2, 14, seed=3, requests=1_500, fixed=10, daily_cap=6) == event
    assert clustered(60, 150, 2, 14, seed=4, requests=1_500, fixed=10, daily_cap=6) != event
    assert Counter(p.role for p in event.participants) == {Role.buyer: 60, Role.seller: 150}
    assert len(event.requests) == 1_500 and event.daily_cap == 6
    assert 5 <= len(event.fixed) <= 10
    assert check(event, solve(event)) == []


def test_demand_goes_to_stars_and_availability_comes_in_shared_clusters() -> None:
    event = clustered(300, 750, 2, 14, seed=1, requests=6_000)
    sellers = {p.id for p in event.participants if p.role is Role.seller}
    asked = Counter(r.target for r in event.requests if r.target in sellers)
    top = sum(count for _, count in asked.most_common(len(sellers) * 3 // 100))
    # 3% of the sellers draw about a third of the requests to sellers
    assert top > 0.3 * asked.total()
    # few distinct patterns of absence, each shared by many
    patterns = Counter(p.unavailable for p in event.participants)
    assert len(patterns) <= 12
    assert patterns.most_common(1)[0][1] > len(event.participants) / 3
    # mutual pairs: a request answered by one back
    pairs = {(r.requester, r.target) for r in event.requests}
    assert sum((target, requester) in pairs for requester, target in pairs) > 0.2 * len(pairs)
