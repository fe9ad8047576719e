from types import SimpleNamespace

from django.core.cache import cache

from himswasthya.core.ratelimit import count_this_minute, minute_key


def test_it_counts_per_action_and_user_within_the_minute():
    ana, ravi = SimpleNamespace(pk=9101), SimpleNamespace(pk=9102)
    cache.delete_many([minute_key(p, u) for p in ("t:search", "t:verify") for u in (ana, ravi)])
    assert [count_this_minute("t:search", ana) for _ in range(3)] == [1, 2, 3]
    assert count_this_minute("t:verify", ana) == 1  # another action has its own counter
    assert count_this_minute("t:search", ravi) == 1  # and another user
    cache.delete(minute_key("t:search", ana))  # the counter expired: counting starts again
    assert count_this_minute("t:search", ana) == 1


def test_hourly_window_counts_and_peeks():
    from himswasthya.core.ratelimit import count_in_window, window_count, window_key

    ana = SimpleNamespace(pk=9103)
    cache.delete(window_key("t:fail", ana, 3600))
    assert window_count("t:fail", ana, 3600) == 0  # peeking does not count
    assert [count_in_window("t:fail", ana, 3600) for _ in range(3)] == [1, 2, 3]
    assert window_count("t:fail", ana, 3600) == 3
    assert count_in_window("t:fail", ana, 60) == 1  # another window length has its own counter


def test_hit_counts_up_to_the_limit_and_a_refused_event_is_not_counted():
    from himswasthya.core.ratelimit import hit, refund

    key = "t:otp-send:ip:192.0.2.7"
    cache.delete(key)
    assert [hit(key, 3, 3600) for _ in range(5)] == [True, True, True, False, False]
    assert cache.get(key) == 3  # the refused ones did not count
    refund(key)  # a later check refused the request: its event is taken back
    assert hit(key, 3, 3600) is True
    assert hit(key, 3, 3600) is False
    cache.delete(key)  # the window ran out
    refund(key)  # nothing to take back, no error
    assert hit(key, 3, 3600) is True
    assert cache.get(key) == 1


def test_hit_keeps_separate_keys_apart():
    from himswasthya.core.ratelimit import hit

    cache.delete_many(["t:a", "t:b"])
    assert hit("t:a", 1, 60) and not hit("t:a", 1, 60)
    assert hit("t:b", 1, 60)
