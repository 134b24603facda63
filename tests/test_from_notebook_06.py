"""Cross-checks of the package that notebook 06 made inline; they re-check, the notebook
teaches (issue 23 §5)."""

from __future__ import annotations

import gc

import keras
import pytest

from cnn_course import architectures, shapes, slides


@pytest.fixture(scope="module")
def alexnet():
    """The single-tower AlexNet of notebook 06 (62 M parameters, built once)."""
    model = architectures.alexnet()
    yield model
    del model
    keras.backend.clear_session()
    gc.collect()


def test_alexnet_model_has_the_parameters_of_the_slides_spec(alexnet):
    spec_rows = shapes.layer_table(slides.ALEXNET_INPUT_SHAPE, slides.ALEXNET_LAYERS)
    assert sum(r.params for r in spec_rows) == alexnet.count_params() == 62_378_344


def test_dense_share_of_alexnet_is_its_fc_layers_over_the_total(alexnet):
    rows = shapes.layer_table_from_model(alexnet)
    fc = sum(r.params for r in rows if r.name.startswith("fc"))
    assert [r.name for r in rows if r.name.startswith("fc")] == ["fc6", "fc7", "fc8"]
    assert architectures.dense_share(alexnet) == fc / alexnet.count_params()
