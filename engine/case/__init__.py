"""The case: the pydantic model a caller sends, the scalar types and rate tables it uses, and the facts read off it."""
