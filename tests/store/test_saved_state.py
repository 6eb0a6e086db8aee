from store import saved_state
from store.db import session_scope


def test_values_are_saved_overwritten_and_forgotten_per_kind(engine):
    with session_scope(engine) as session:
        saved_state.save(session, "user", "1001", b"first")
        saved_state.save(session, "conversation:apply", "1001", b"other kind")
    with session_scope(engine) as session:
        saved_state.save(session, "user", "1001", b"second")
    with session_scope(engine) as session:
        assert saved_state.load(session, "user") == {"1001": b"second"}
        saved_state.forget(session, "user", "1001")
    with session_scope(engine) as session:
        assert saved_state.load(session, "user") == {}
        assert saved_state.load(session, "conversation:apply") == {"1001": b"other kind"}
