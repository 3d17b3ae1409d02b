"""Sources of layers: one module per source (``demo`` now; PDOK, CBS, RIVM, OSM and registers later)."""
