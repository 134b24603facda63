"""cnn_course: the helper module of the CNN course.

Importing this package is cheap: it pulls in neither TensorFlow nor Keras.
The pure NumPy modules (:mod:`cnn_course.shapes`, :mod:`cnn_course.ops`,
:mod:`cnn_course.kernels`, :mod:`cnn_course.slides`) never import them; the
TensorFlow-backed modules (``data``, ``models``, ``train``, ``runtime``,
``viz``, ``explain``) import them when they are used.
"""

__version__ = "0.1.0"
