"""The search view of the one text analyser (`recueil.text.analysis`), kept for imports."""

from recueil.text.analysis import (  # noqa: F401
    STOPWORDS,
    Token,
    analyse,
    analyse_word,
    fold,
    is_stopword,
    terms,
    tokens,
    typography,
)
