"""Text analysis shared by every part of recueil: one French analyser with per-use options.

Search, thematic indexing and linking all read French (often OCR'd) text; they share one
tokeniser, one folding of case/accents/ligatures/apostrophes, one Snowball stemmer and one
list of function words (see `analysis`).
"""
