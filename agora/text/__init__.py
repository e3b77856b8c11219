"""Text analysis of open-text answers: embeddings, themes, keywords and language detection."""
