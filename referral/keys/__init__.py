"""Start-up key check: the encryption keys open the sentinels sealed with them, and the
blind-index key is the one the search index was made with; otherwise the app refuses to
start, naming the key."""
