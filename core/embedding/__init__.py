"""The embedding map's arithmetic: test digits' dense features projected to 2-D (PCA)."""
