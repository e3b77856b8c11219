"""The cooperation knowledge base: actors, places, cooperations, topics, outcomes, search."""
