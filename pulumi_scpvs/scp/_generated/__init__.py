"""What tools/generate.py writes from the API document: models, queries, the operation table, typed areas."""
