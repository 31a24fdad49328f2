"""Thematic indexing: theme suggestions with evidence, learned only from our own index.

`backends` (the suggesters behind one interface), `analyzer` (French text), `project`
(train / suggest / evaluate, used by every interface), `metrics` (Annif's definitions).
"""
