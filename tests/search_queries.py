"""The search-quality query set: French queries written from reading the corpus texts.

Each query comes with the items a reader would expect among the first ten hits; some
queries drop accents or carry OCR-style or typing slips, some use another inflection or a
derived word (confisquer ≈ confiscation) than the text. Used by tests and bench/.
"""

QUERIES: list[tuple[str, tuple[str, ...]]] = [
    ("enfants non accompagnés", ("A:III.21",)),
    ("enfant non accompagne", ("A:III.21", "A:III.23")),
    ("livraison surveillée", ("A:II.15",)),
    ("livraisons surveillees", ("A:II.15",)),
    ("assistance consulaire", ("A:V.2.e",)),
    ("confisquer", ("A:IV.1",)),
    ("confiscation", ("A:IV.2", "A:I.13")),
    ("Etats parties techniques d'enquete speciales", ("A:II.13", "A:II.14")),
    ("enquétes financiéres", ("A:I.13", "A:III.34")),
    ("équipes d'enquête conjointes", ("A:IV.7", "A:VII.8")),
    ("pandemie COVID-19", ("A:VII.2", "A:VII.5")),
    ("preuves numeriques", ("A:VII.11", "A:VII.14")),
    ("cyberespace", ("A:VII.21", "A:VII.22")),
    ("gens de mer secourus", ("A:III.4",)),
    ("documents de voyage frauduleux", ("A:III.27", "A:I.31")),
    ("blanchiment d'argent", ("A:III.2", "A:I.8")),
    ("protection des témoins", ("A:I.9",)),
    ("interpretes", ("A:VI.4",)),
    ("compagnies aeriennes", ("A:VI.20", "A:I.33")),
    ("SHERLOC", ("A:III.40", "A:II.31")),
    ("centres pluri-institutions", ("A:II.17", "A:II.23")),
    ("causes profondes de la migration irreguliere", ("A:XI.3", "A:XI.4")),
    ("tuteurs", ("A:III.21",)),
    ("intérêt supérieur de l'enfant", ("A:III.19", "A:XI.11")),
    ("ratifier le Protocole", ("A:I.1", "B:VI.1")),
    ("questionnaire", ("B:I.d",)),
    ("agents publics migrants en situation irrégulière", ("A:VI.10",)),
    ("enfnats non acompagnés", ("A:III.21",)),
    ("entraide judiciaire extradition", ("A:I.41", "A:III.8")),
    ("Groupe mondial sur la migration", ("A:I.39",)),
    ("mécanismes d'accueil crises", ("A:VII.1",)),
    ("signalement anonyme en ligne", ("A:VII.19",)),
    ("maniére improprement utilisée technologie", ("A:VII.9",)),
    ("œuvre du Programme de développement durable", ("A:III.15",)),
    ("Mécanisme d'examen points de contact", ("A:XI.12", "A:XI.13.a")),
]
