"""Transfer learning with the course's pretrained MobileNetV2: which layers to retrain.

Deck 002 (section *IV/ Transfer learning*) advises, by dataset size and by how far the
new domain is from ImageNet: retrain only the new classifier head, also retrain the
last layers, use the ImageNet weights as the initialisation of a full training, or
train from a random initialisation. Those are the four *regimes* of this module
(:data:`REGIMES`), one vocabulary for everything below:

- :func:`transfer_model` builds the classifier of a regime on top of
  :func:`cnn_course.pretrained.imagenet_backbone`; :func:`set_regime` changes which of
  its layers train;
- :func:`fit_regime` trains it the way practitioners do (the Keras transfer-learning
  guide): the new head first with the backbone frozen, **then** the last blocks or the
  whole backbone at a small learning rate, BatchNorm kept in inference mode;
  a random initialisation trains everything and re-estimates its BatchNorm statistics
  (:func:`recalibrate_batchnorm`);
- :func:`extract_features` and :func:`fit_head_on_features` -- "fast feature extraction"
  (Chollet, *Deep Learning with Python*, ch. 8): the frozen backbone runs once per image,
  not once per image and epoch; :func:`time_feature_extraction` measures the gain;
- :data:`DECK_ADVICE` and :data:`TRANSFER_LEARNING_TABLE` map the deck's words to the regimes;
  :func:`transfer_experiment` (notebook 10) trains one model per regime and training set,
  its epochs chosen on validation images, so the advice can be checked against
  measurements instead of taken on trust; :func:`compare` says whether two regimes differ
  by more than the spread between seeds.

Keras (and so TensorFlow) is imported when a model is built, not when this module is
imported.

The package has one module per part: :mod:`~cnn_course.transfer.regimes`,
:mod:`~cnn_course.transfer.training` and :mod:`~cnn_course.transfer.experiment`; everything
public is importable from ``cnn_course.transfer``.
"""

from __future__ import annotations

from cnn_course.transfer.experiment import Comparison, TransferRun, compare, transfer_experiment
from cnn_course.transfer.regimes import (
    DECK_ADVICE,
    FINE_TUNE,
    LEARNING_RATES,
    RANDOM_EPOCHS,
    REGIMES,
    TRANSFER_LEARNING_TABLE,
    Regime,
    check_images,
    recommended_learning_rate,
    regime_of,
    set_regime,
    trainable_param_count,
    transfer_model,
)
from cnn_course.transfer.training import (
    FEATURE_BATCH_PIXELS,
    FeatureExtractionTiming,
    extract_features,
    fit_head_on_features,
    fit_regime,
    recalibrate_batchnorm,
    time_feature_extraction,
    train_choosing_epochs,
)

__all__ = [
    "Comparison",
    "DECK_ADVICE",
    "FEATURE_BATCH_PIXELS",
    "FINE_TUNE",
    "LEARNING_RATES",
    "RANDOM_EPOCHS",
    "REGIMES",
    "TRANSFER_LEARNING_TABLE",
    "FeatureExtractionTiming",
    "Regime",
    "TransferRun",
    "check_images",
    "compare",
    "extract_features",
    "fit_head_on_features",
    "fit_regime",
    "recalibrate_batchnorm",
    "recommended_learning_rate",
    "regime_of",
    "set_regime",
    "time_feature_extraction",
    "train_choosing_epochs",
    "trainable_param_count",
    "transfer_experiment",
    "transfer_model",
]
