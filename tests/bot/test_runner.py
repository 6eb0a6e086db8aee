"""Starting the bot for real (bot/runner.py)."""

import gc

from bot.runner import COLLECT_AFTER, collect_less


def test_the_cycle_collector_leaves_the_startup_objects_alone_and_runs_less_often():
    threshold = gc.get_threshold()
    made_at_startup = {"a menu": ["its", "buttons"]}
    try:
        collect_less()
        assert gc.get_threshold() == (COLLECT_AFTER, *threshold[1:])
        assert gc.get_freeze_count() > 0
        assert not any(thing is made_at_startup for thing in gc.get_objects())
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert any(thing is made_at_startup for thing in gc.get_objects())
