"""A web worker hands freed heap back to the system at most once a second (newspaper.freed_memory)."""

from __future__ import annotations

from newspaper import freed_memory


def test_freed_memory_is_given_back_at_most_once_an_interval(monkeypatch):
    calls = []
    monkeypatch.setattr(freed_memory, "_trim", lambda pad: calls.append(pad) or 1)
    monkeypatch.setattr(freed_memory, "_last", 0.0)
    start = 1000.0
    assert freed_memory.give_back(start)
    assert not freed_memory.give_back(start + freed_memory.INTERVAL_S / 2)  # a request soon after
    assert freed_memory.give_back(start + freed_memory.INTERVAL_S)
    assert calls == [0, 0]


def test_without_glibc_nothing_is_done(monkeypatch):
    monkeypatch.setattr(freed_memory, "_trim", None)
    assert not freed_memory.give_back(10**6)


def test_the_web_workers_call_it_after_each_request(monkeypatch):
    from pathlib import Path

    conf = {}
    exec(Path(__file__).resolve().parent.parent.joinpath("gunicorn.conf.py").read_text(), conf)
    called = []
    monkeypatch.setattr(freed_memory, "give_back", lambda: called.append(True))
    conf["post_request"](None, None, {}, None)
    assert called == [True]


def test_the_index_writing_commands_map_large_blocks(monkeypatch):
    import importlib
    from pathlib import Path

    asked = []
    monkeypatch.setattr(freed_memory, "_mallopt", lambda param, value: asked.append((param, value)) or 1)
    assert freed_memory.map_large_blocks()
    assert asked == [(freed_memory.M_MMAP_THRESHOLD, freed_memory.LARGE_BLOCK)]
    for name in ("index_writer", "optimize_index", "rebuild_index"):
        source = importlib.util.find_spec(f"search.management.commands.{name}").origin
        assert "freed_memory.map_large_blocks()" in Path(source).read_text(encoding="utf-8"), name
