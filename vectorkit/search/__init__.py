"""Search: the exact Index, keyword (BM25) search, search results and retrieval metrics."""
