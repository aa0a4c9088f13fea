"""The Evaluation: its models, the builder that reads the firings, the guideline calculation, the citations."""
