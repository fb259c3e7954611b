"""The data layer: the database file, its schema and the named queries, the figures computed from them."""
