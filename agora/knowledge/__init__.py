"""The knowledge base: actors, places, cooperations, topics and outcomes, and their search."""
