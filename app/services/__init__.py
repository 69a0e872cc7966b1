"""Use-cases over the database: one session per call, plain results back, no Qt."""
