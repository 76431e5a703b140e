"""eval: score the pipeline on gold sets; the quality gate."""
