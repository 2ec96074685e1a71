"""Presenter mode, the per-step sentence and predict-then-reveal on page 3, through AppTest.

Every number expected here comes from `reference_descent`, plain gradient descent written out in the
test from the CSV, never from gdcore.
"""

from __future__ import annotations

import re

import numpy as np
from stepping import choose_epoch, sections_shown, text_of
from test_pages import DEFAULT, assert_healthy, open_page, reference_descent, screen_text

from ui.fmt import num

REFERENCE = reference_descent(DEFAULT.learning_rate, 4, DEFAULT.seed)  # epochs 1..4 of the page's defaults


def test_presenter_mode_from_the_link_stays_in_the_link_and_leaves_with_one_click() -> None:
    at = open_page("descent", present="1")
    assert_healthy(at, "descent")
    assert at.session_state["present"] is True
    assert not at.warning, [w.value for w in at.warning]  # present=1 is not an unknown link value
    at = choose_epoch(at, 1)
    assert at.query_params["present"] == "1" and at.query_params["epoch"] == "1"
    at.button(key="present:leave").click().run()
    assert at.session_state["present"] is False
    assert "present" not in at.query_params and at.query_params["epoch"] == "1"
    at.toggle(key="present").set_value(True).run()  # and back on, from the sidebar's switch
    assert at.query_params["present"] == "1"


def test_each_epoch_says_in_a_sentence_which_way_each_number_moved_and_why() -> None:
    at = choose_epoch(open_page("descent"), 3)
    record = REFERENCE[2]
    parts = []
    for name, now, g, new in zip(("slope", "intercept"), record["current"], record["gradient"], record["new"]):
        went = "rose" if new > now else "fell"
        assert (went == "rose") == (g < 0)  # plain descent steps against the gradient
        parts.append(f"the {name} {went} from {num(now)} to {num(new)} because its gradient was {num(g)}")
    text = screen_text(at)
    sentence = next(line for line in text.splitlines() if line.startswith("Epoch 3: "))
    for part in parts:
        assert part in sentence, (part, sentence)


def test_predict_then_reveal_shows_the_true_value_how_far_off_and_the_arithmetic() -> None:
    at = choose_epoch(open_page("descent"), 2)
    truth = REFERENCE[2]  # epoch 3 starts where epoch 2 ended
    assert not any("After epoch 3 the slope is" in m.value for m in at.markdown)  # hidden until Reveal
    guess = round(float(truth["new"][0]) + 0.25, 4)
    at.number_input(key="predict:descent:2:slope").set_value(guess).run()
    at.button(key="reveal:descent:2:slope").click().run()
    said = next(m.value for m in at.markdown if "After epoch 3 the slope is" in m.value)
    assert f"**{num(truth['new'][0])}**" in said
    off = abs(guess - truth["new"][0])
    assert f"off by {num(off)}, too high" in said
    share = 100 * off / abs(truth["new"][0] - truth["current"][0])
    assert re.search(rf"That is {re.escape(num(share, 2))}% of the step", said)
    arithmetic = " ".join(str(x.value) for x in at.latex)
    assert num(truth["gradient"][0]).replace("-", "−")[1:] in arithmetic.replace("-", "−")
    # The intercept is another prediction, revealed on its own.
    at.selectbox(key="predict:descent:name").set_value("intercept").run()
    assert not any("After epoch 3 the intercept is" in m.value for m in at.markdown)
    at.button(key="reveal:descent:2:intercept").click().run()
    said = next(m.value for m in at.markdown if "After epoch 3 the intercept is" in m.value)
    assert f"**{num(truth['new'][1])}**" in said and "You made no prediction" in said
    assert_healthy(at, "descent")


def test_the_network_page_reveals_a_weight_the_learner_picks_against_numpy_backprop() -> None:
    import test_network_page as network

    from ui.network import EPOCH

    runs = network.reference_run(epochs=3)  # numpy backprop written in the test
    truth = runs[2]
    at = choose_epoch(network.open_page(), 2, key=EPOCH)
    words = text_of(sections_shown(at)["words"])  # the epoch's words, as the browser draws them
    sentence = next(line for line in words.splitlines() if line.startswith("Epoch 2: "))
    moved = np.argsort(-np.abs(runs[1]["new"] - runs[1]["current"]))  # epoch 2's biggest moves
    names = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
    assert all(f"the {names[i]} " in sentence for i in moved[:3]) and "(the 7 other parameters moved less)" in sentence
    at.selectbox(key="predict:network:name").set_value("w3").run()
    at.button(key="reveal:network:2:w3").click().run()
    said = next(m.value for m in at.markdown if "After epoch 3 the w3 is" in m.value)
    assert f"**{num(truth['new'][2])}**" in said
    assert not at.exception


def test_a_tampered_presenter_value_is_named_and_the_page_works() -> None:
    at = open_page("descent", present="é" * 5000)
    assert_healthy(at, "descent")
    assert at.session_state["present"] is False and "present" not in at.query_params
    (note,) = [w.value for w in at.warning]
    assert note.startswith("The link's present=") and "presenter mode is off" in note and len(note) < 300
