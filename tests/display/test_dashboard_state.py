"""A dashboard's scenario as a short text: the round trip, and clear refusals of bad text."""
import base64
import json
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from nnreg_core.display import Dashboard

SMALL = dict(epochs=20, n_train=60, hidden=(8, 8))


def raw_state(fields):
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")


def test_a_state_round_trips_every_setting():
    dash = Dashboard(regularizer="elastic_net", strength=3e-3, knobs={"l1_ratio": 0.25},
                     dataset="circles", n_train=60, seed=3, hidden=(8, 4), lr=0.05, epochs=20,
                     batch_size=16, panels=("weights", "loss"), controls=("strength", "lr"))
    text = dash.state()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text) and len(text) < 400
    again = Dashboard.from_state(text)
    assert again.settings == dash.settings
    assert again.state() == text
    assert again.summary() == dash.summary()


def test_a_fresh_dashboards_state_is_short_and_changes_follow_the_controls():
    dash = Dashboard(**SMALL)
    before = dash.state()
    dash.controls["lr"].value = 0.02
    after = Dashboard.from_state(dash.state())
    assert dash.state() != before and after.settings.lr == dash.settings.lr
    assert len(Dashboard().state()) < 20


@pytest.mark.parametrize("fields, words", [
    ({"v": 1, "hiden": [8]}, "unknown state field 'hiden'"),
    ({"v": 1, "hidden": "8-8"}, "state field 'hidden'"),
    ({"v": 1, "epochs": 2.5}, "state field 'epochs'"),
    ({"v": 1, "strength": "big"}, "state field 'strength'"),
    ({"v": 7}, "state field 'v'"),
    ({"v": 1, "regularizer": "ridge"}, "unknown regularizer 'ridge'"),
    ({"v": 1, "dataset": "mnist"}, "unknown data set"),
])
def test_bad_state_fields_are_named(fields, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        Dashboard.from_state(raw_state(fields))


@pytest.mark.parametrize("text", ["not a state", "", "W10", 42])
def test_text_that_is_no_state_is_refused_clearly(text):
    with pytest.raises(ValueError, match="dashboard state"):
        Dashboard.from_state(text)


def test_a_dashboard_on_own_arrays_says_it_cannot_be_shared():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    dash = Dashboard(X=X, y=(X[:, 0] > 0).astype(int), epochs=10, hidden=(4,))
    with pytest.raises(ValueError, match="own arrays"):
        dash.state()
