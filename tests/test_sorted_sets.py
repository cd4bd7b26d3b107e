"""The set operations matching is built of, against numpy's own (search.matching)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from search.matching import MERGE_RATIO, sorted_common, sorted_unique

values = st.lists(st.integers(0, 2**40), max_size=200)


@given(values, values, st.integers(1, 3 * MERGE_RATIO))
def test_the_common_values_of_two_sorted_arrays_whatever_their_lengths(a, b, stretch):
    a = np.unique(np.array(a, np.int64))
    b = np.unique(np.array(b * stretch, np.int64) + np.repeat(np.arange(stretch), len(b)))  # sizes far apart too
    assert sorted_common(a, b).tolist() == np.intersect1d(a, b).tolist()
    assert sorted_common(b, a).tolist() == np.intersect1d(a, b).tolist()


@given(st.lists(st.integers(0, 50), max_size=100))
def test_the_distinct_values_of_a_sorted_array(a):
    a = np.sort(np.array(a, np.int64))
    assert sorted_unique(a).tolist() == np.unique(a).tolist()


@given(st.lists(st.integers(-5, 5), max_size=300), st.integers(0, 320))
def test_the_first_k_keys_are_a_stable_sorts_first_k(keys, k):
    from search.ranking import first

    keys = np.array(keys, np.float64)  # few values: many ties, which keep the index order
    assert first(keys, k).tolist() == np.argsort(keys, kind="stable")[:k].tolist()
